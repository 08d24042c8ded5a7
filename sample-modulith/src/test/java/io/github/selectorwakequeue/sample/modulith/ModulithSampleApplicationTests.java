package io.github.selectorwakequeue.sample.modulith;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;

import io.github.selectorwakequeue.spring.test.EventDeliveryWaiter;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** What the README's sample call answers: everything received in commit order on the queue, nothing incomplete. */
@SpringBootTest(webEnvironment = WebEnvironment.NONE)
class ModulithSampleApplicationTests {

	@Autowired
	private OrdersController controller;

	@Autowired
	private org.springframework.modulith.events.core.EventPublicationRegistry registry;

	@Autowired
	private EventDeliveryWaiter delivery;

	private static Collection<String> threads(Map<String, Object> report, String key) {
		Object threads = report.get(key);
		assertThat(threads).as(key).isInstanceOf(Collection.class);
		return ((Collection<?>) threads).stream().map(String::valueOf).toList();
	}

	private static boolean onTheQueue(String thread) {
		return thread.equals("selector-wake-queue") || thread.startsWith("selector-wake-queue-lane-worker-");
	}

	@Test
	void anOutOfRangeRequestIsRefusedAsABadRequestNamingEachParameter() {
		org.assertj.core.api.Assertions.assertThatExceptionOfType(org.springframework.web.server.ResponseStatusException.class)
			.isThrownBy(() -> this.controller.place(0, 99))
			.satisfies((ex) -> {
				assertThat(ex.getStatusCode().value()).isEqualTo(400);
				assertThat(ex.getReason()).contains("'count' was 0").contains("'threads' was 99");
			});
	}

	@Test
	void ordersReachTheModuleListenerOnTheQueueInCommitOrder() {
		assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
			Map<String, Object> report = this.controller.place(400, 4);
			assertThat(report).containsEntry("allReceived", true).containsEntry("receivedOutOfCommitOrder", 0L);
			// On the reactor, or on a lane worker once a listener is slow enough to leave it: the queue's threads.
			assertThat(threads(report, "moduleListenerRanOn")).isNotEmpty().allMatch(ModulithSampleApplicationTests::onTheQueue);
			assertThat(threads(report, "plainListenerRanOn")).isNotEmpty().allMatch(ModulithSampleApplicationTests::onTheQueue);
			this.delivery.awaitDelivery(Duration.ofSeconds(60)); // Modulith marks each publication completed on the queue
			assertThat(this.registry.findIncompletePublications()).isEmpty();
		});
	}

}
