package io.github.selectorwakequeue.spring.actuate;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.selectorwakequeue.OverflowPolicy;
import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.spring.event.EventRoutingStatus;
import io.github.selectorwakequeue.spring.event.RoutedListener;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SelectorWakeQueueEndpoint}: what the read operation returns.
 */
class SelectorWakeQueueEndpointTests {

	private static final Duration THRESHOLD = Duration.ofSeconds(10);

	private SelectorWakeQueue queue;

	@AfterEach
	void closeQueue() {
		if (this.queue != null) {
			this.queue.close(Duration.ofSeconds(5));
		}
	}

	@Test
	void describesEveryStatsFieldTheReactorAndTheHealth() {
		this.queue = SelectorWakeQueue.builder().name("described").capacity(8).overflowPolicy(OverflowPolicy.DISCARD).build();
		this.queue.offer(new SecretTask());
		this.queue.offer(new SecretTask());
		Map<String, Object> body = json(new SelectorWakeQueueEndpoint(this.queue, THRESHOLD, null).describe());
		// Not started: no reactor thread yet, and the actuator leaves null fields out of its JSON.
		assertThat(body).containsOnlyKeys("name", "running", "closed", "size", "capacity", "utilization", "enqueued",
				"dispatched", "rejected", "callerRuns", "discarded", "failed", "wakeups", "reactorRestarts",
				"selectorRebuilds", "tasksLost", "overflowed", "oldestTaskAge", "currentTaskRunningFor", "overflowPolicy",
				"eventRouting", "reactorHandOffs", "laneWorkerCompensations", "lanes", "health");
		assertThat(body).containsEntry("name", "described")
			.containsEntry("running", false)
			.containsEntry("size", 2)
			.containsEntry("capacity", 8)
			.containsEntry("utilization", 25.0)
			.containsEntry("enqueued", 2L)
			.containsEntry("overflowPolicy", "DISCARD")
			.containsEntry("eventRouting", SelectorWakeQueueEndpoint.ROUTING_NOT_CONFIGURED)
			.containsEntry("health", "UNKNOWN");
		assertThat(body.toString()).doesNotContain(SecretTask.MARKER);
	}

	@Test
	void listsEveryListenerWithTheThreadItRunsOnAndWhy() {
		this.queue = SelectorWakeQueue.builder().build();
		EventRoutingStatus routing = new EventRoutingStatus("starting");
		routing.activate();
		routing.describeListenersWith(() -> List.of(new RoutedListener("Mailer.on(OrderPlaced)", "mailer", RoutedListener.QUEUE, null),
				new RoutedListener("Audit.on(OrderPlaced)", "audit", RoutedListener.PUBLISHER, "@PublisherThread")));
		Map<String, Object> body = json(new SelectorWakeQueueEndpoint(this.queue, THRESHOLD, routing).describe());
		assertThat(body).extractingByKey("listeners")
			.asInstanceOf(InstanceOfAssertFactories.list(Map.class))
			.containsExactly(Map.of("listener", "Mailer.on(OrderPlaced)", "bean", "mailer", "thread", "queue"),
					Map.of("listener", "Audit.on(OrderPlaced)", "bean", "audit", "thread", "publisher", "reason",
							"@PublisherThread"));
	}

	@Test
	void namesTheReactorThreadOnceStarted() {
		this.queue = SelectorWakeQueue.builder().name("started").build();
		this.queue.start();
		Map<String, Object> body = json(new SelectorWakeQueueEndpoint(this.queue, THRESHOLD, null).describe());
		assertThat(body).containsEntry("running", true).containsEntry("health", "UP");
		@SuppressWarnings("unchecked")
		Map<String, Object> thread = (Map<String, Object>) body.get("reactorThread");
		assertThat(thread).containsOnlyKeys("name", "state").containsEntry("name", "started");
		assertThat(Thread.State.valueOf((String) thread.get("state"))).isNotIn(Thread.State.NEW,
				Thread.State.TERMINATED);
	}

	@Test
	void eventRoutingIsTrueWhenActiveWithCountsEachWay() {
		this.queue = SelectorWakeQueue.builder().build();
		EventRoutingStatus routing = new EventRoutingStatus("starting");
		routing.activate();
		routing.countAsync();
		routing.countSync();
		routing.countSync();
		Map<String, Object> body = json(new SelectorWakeQueueEndpoint(this.queue, THRESHOLD, routing).describe());
		assertThat(body).containsEntry("eventRouting", true).containsEntry("events", Map.of("async", 1L, "sync", 2L));
	}

	@Test
	void eventRoutingSaysWhyNotWhenInactive() {
		this.queue = SelectorWakeQueue.builder().build();
		EventRoutingStatus routing = new EventRoutingStatus("another applicationEventMulticaster is present");
		Map<String, Object> body = json(new SelectorWakeQueueEndpoint(this.queue, THRESHOLD, routing).describe());
		assertThat(body).containsEntry("eventRouting", "another applicationEventMulticaster is present");
	}

	@Test
	void outOfServiceOnceClosed() {
		this.queue = SelectorWakeQueue.builder().build();
		this.queue.start();
		this.queue.close(Duration.ofSeconds(5));
		Map<String, Object> body = json(new SelectorWakeQueueEndpoint(this.queue, THRESHOLD, null).describe());
		assertThat(body).containsEntry("closed", true).containsEntry("running", false)
			.containsEntry("health", "OUT_OF_SERVICE");
	}

	/** The body as the actuator renders it: its JSON mapper leaves null fields out. */
	private static Map<String, Object> json(SelectorWakeQueueEndpoint.QueueDescriptor descriptor) {
		JsonMapper mapper = JsonMapper.builder()
			.changeDefaultPropertyInclusion((inclusion) -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL)
				.withContentInclusion(JsonInclude.Include.NON_NULL))
			.build();
		return mapper.convertValue(descriptor, new TypeReference<Map<String, Object>>() {
		});
	}

	/** A task whose toString() holds something that must never be shown. */
	static final class SecretTask implements Runnable {

		static final String MARKER = "s3cr3t-task-payload";

		@Override
		public void run() {
		}

		@Override
		public String toString() {
			return MARKER;
		}

	}

}
