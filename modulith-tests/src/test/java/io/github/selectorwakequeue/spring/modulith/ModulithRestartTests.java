package io.github.selectorwakequeue.spring.modulith;

import java.time.Duration;
import java.util.UUID;

import io.github.selectorwakequeue.spring.modulith.ModulithTestApplication.Flaky;
import io.github.selectorwakequeue.spring.modulith.ModulithTestApplication.Recorder;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.modulith.events.core.EventPublicationRegistry;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A publication left incomplete by a failing module listener is resubmitted when the application starts again
 * (Modulith's {@code republish-outstanding-events-on-restart}) and delivered on the reactor.
 */
class ModulithRestartTests {

	private static final Duration BOUND = Duration.ofSeconds(90);

	@Test
	void aRestartResubmitsIncompletePublicationsThroughTheQueue() {
		String database = "jdbc:h2:mem:restart-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";
		assertTimeoutPreemptively(BOUND, () -> {
			try (ConfigurableApplicationContext first = start(database, "test.flaky.failures=1000")) {
				first.getBean(TransactionTemplate.class)
					.executeWithoutResult((tx) -> first.publishEvent(new Flaky("before-restart")));
				Recorder recorder = first.getBean(Recorder.class);
				EventPublicationRegistry registry = first.getBean(EventPublicationRegistry.class);
				await().atMost(BOUND)
					.until(() -> recorder.flakyAttempts.containsKey("before-restart")
							&& registry.findIncompletePublications()
								.stream()
								.anyMatch((publication) -> publication.getEvent().equals(new Flaky("before-restart"))));
				assertThat(recorder.flakyDone).isEmpty();
			}
			try (ConfigurableApplicationContext second = start(database, "test.flaky.failures=0",
					"spring.modulith.events.republish-outstanding-events-on-restart=true")) {
				Recorder recorder = second.getBean(Recorder.class);
				EventPublicationRegistry registry = second.getBean(EventPublicationRegistry.class);
				await().atMost(BOUND).until(() -> recorder.flakyDone.contains("before-restart@reactor"));
				await().atMost(BOUND).until(() -> registry.findIncompletePublications().isEmpty());
				assertThat(recorder.flakyAttempts.get("before-restart")).hasValue(1);
			}
		});
	}

	/** Properties as command-line arguments: they win over application.properties (its own database URL). */
	private static ConfigurableApplicationContext start(String database, String... properties) {
		String[] arguments = new String[properties.length + 1];
		arguments[0] = "--spring.datasource.url=" + database;
		for (int i = 0; i < properties.length; i++) {
			arguments[i + 1] = "--" + properties[i];
		}
		return new SpringApplicationBuilder(ModulithTestApplication.class).web(WebApplicationType.NONE).run(arguments);
	}

}
