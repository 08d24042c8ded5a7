package io.github.selectorwakequeue.sample.modulith;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * What the README's sample call answers: everything received in commit order on the queue's threads, nothing
 * incomplete.
 */
@SpringBootTest(webEnvironment = WebEnvironment.NONE)
class ModulithSampleApplicationTests {

	@Autowired
	private OrdersController controller;

	@Autowired
	private org.springframework.modulith.events.core.EventPublicationRegistry registry;

	@Test
	void ordersReachTheModuleListenerOnTheQueueInCommitOrder() {
		assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
			Map<String, Object> report = this.controller.place(400, 4);
			assertThat(report).containsEntry("allReceived", true).containsEntry("receivedOutOfCommitOrder", 0L);
			// On the queue's threads, never the publisher's: the reactor, or a worker of the listener's lane (marking
			// each publication complete in the database makes the listener slow enough to leave the reactor).
			assertThat((Iterable<?>) report.get("moduleListenerRanOn")).isNotEmpty()
				.allSatisfy((name) -> assertThat(name).asString().startsWith("selector-wake-queue"));
			assertThat(report.get("plainListenerRanOn")).asString().isEqualTo("[selector-wake-queue]");
			await().atMost(Duration.ofSeconds(60)).until(() -> this.registry.findIncompletePublications().isEmpty());
		});
	}

}
