package io.github.selectorwakequeue.spring.modulith;

import java.time.Duration;

import io.github.selectorwakequeue.spring.modulith.ModulithTestApplication.Broken;
import io.github.selectorwakequeue.spring.modulith.ModulithTestApplication.Decorated;
import io.github.selectorwakequeue.spring.modulith.ModulithTestApplication.Echo;
import io.github.selectorwakequeue.spring.modulith.ModulithTestApplication.Echoed;
import io.github.selectorwakequeue.spring.modulith.ModulithTestApplication.Recorder;
import io.github.selectorwakequeue.spring.modulith.ModulithTestApplication.Relay;
import io.github.selectorwakequeue.spring.modulith.ModulithTestApplication.Relayed;
import io.github.selectorwakequeue.spring.modulith.ModulithTestApplication.Settled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.modulith.test.AssertablePublishedEvents;
import org.springframework.modulith.test.EnableScenarios;
import org.springframework.modulith.test.PublishedEvents;
import org.springframework.modulith.test.PublishedEventsExtension;
import org.springframework.modulith.test.Scenario;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * What holds with Spring Modulith alone still holds with the starter: its test support sees every event, a
 * transactional listener bean runs once per commit, and the application's {@code @Async} configuration applies to
 * the module listeners the queue runs.
 */
@EnableScenarios
@ExtendWith(PublishedEventsExtension.class)
@SpringBootTest(classes = ModulithTestApplication.class, webEnvironment = WebEnvironment.NONE)
class ModulithCompatibilityTests {

	private static final Duration BOUND = Duration.ofSeconds(60);

	@Autowired
	private ApplicationEventPublisher publisher;

	@Autowired
	private TransactionTemplate transactions;

	@Autowired
	private Recorder recorder;

	@Test
	void publishedEventsSeeTheEventsOfTheTestThreadAtOnce(PublishedEvents events) {
		this.publisher.publishEvent(new Echo("at-once"));
		assertThat(events.ofType(Echo.class).matching(Echo::id, "at-once")).hasSize(1);
	}

	@Test
	void publishedEventsSeeWhatListenersOnTheQueuePublishInTurn(AssertablePublishedEvents events) {
		assertTimeoutPreemptively(BOUND, () -> {
			this.publisher.publishEvent(new Echo("echo"));
			this.transactions.executeWithoutResult((tx) -> this.publisher.publishEvent(new Relay("relay")));
			await().atMost(BOUND).untilAsserted(() -> {
				assertThat(events).contains(Echoed.class).matching(Echoed::id, "echo");
				assertThat(events).contains(Relayed.class).matching(Relayed::id, "relay");
			});
		});
	}

	@Test
	void aScenarioWaitsForTheEventAModuleListenerPublishes(Scenario scenario) {
		assertTimeoutPreemptively(BOUND, () -> scenario.publish(new Relay("scenario"))
			.andWaitForEventOfType(Relayed.class)
			.matching((relayed) -> relayed.id().equals("scenario"))
			.toArriveAndVerify((relayed) -> assertThat(relayed.id()).isEqualTo("scenario")));
	}

	@Test
	void aTransactionalListenerBeanOfOnePayloadTypeRunsOncePerCommit() {
		this.transactions.executeWithoutResult((tx) -> this.publisher.publishEvent(new Settled("once")));
		assertThat(this.recorder.settled).containsOnlyOnce("once");
	}

	@Test
	void theApplicationsTaskDecoratorWrapsAModuleListenerInvocation() {
		assertTimeoutPreemptively(BOUND, () -> {
			ModulithTestApplication.CARRIED.set("from-the-committer");
			try {
				this.transactions.executeWithoutResult((tx) -> this.publisher.publishEvent(new Decorated("decorated")));
			}
			finally {
				ModulithTestApplication.CARRIED.remove();
			}
			await().atMost(BOUND).until(() -> !this.recorder.carried.isEmpty());
			assertThat(this.recorder.carried).containsExactly("decorated=from-the-committer");
		});
	}

	@Test
	void theApplicationsAsyncExceptionHandlerHearsOfAFailingModuleListener() {
		assertTimeoutPreemptively(BOUND, () -> {
			this.transactions.executeWithoutResult((tx) -> this.publisher.publishEvent(new Broken("heard")));
			await().atMost(BOUND).until(() -> this.recorder.asyncFailures.contains("onBroken: broken heard"));
		});
	}

}
