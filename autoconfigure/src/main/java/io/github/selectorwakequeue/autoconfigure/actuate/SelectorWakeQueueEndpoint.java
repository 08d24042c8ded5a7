package io.github.selectorwakequeue.autoconfigure.actuate;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.Stats;
import io.github.selectorwakequeue.autoconfigure.events.EventRoutingStatus;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code wakequeue} actuator endpoint: a read-only view of a {@link SelectorWakeQueue}. Like every
 * endpoint but {@code health}, it is exposed over HTTP only when listed in
 * {@code management.endpoints.web.exposure.include}.
 *
 * <p>{@code GET /actuator/wakequeue} returns the queue's {@code name}, {@code running}, every
 * {@link Stats} field ({@code size}, {@code capacity}, {@code enqueued}, {@code dispatched},
 * {@code rejected}, {@code callerRuns}, {@code discarded}, {@code failed}, {@code wakeups},
 * {@code reactorRestarts}, {@code closed}, {@code oldestTaskAge}, {@code currentTaskRunningFor}; durations
 * as ISO-8601 strings), {@code utilization} (percent), {@code eventRouting} ({@code true}, or a sentence
 * saying why events are not routed), the events counted each way, the reactor thread's {@code name} and
 * {@code state}, and the {@code health} status (the rules of {@link SelectorWakeQueueHealthIndicator}).
 *
 * <p>It never includes a task, an event, or the {@code toString()} of any user object: those may hold
 * secrets. Lock-free; it never waits for the reactor.
 */
@Endpoint(id = "wakequeue")
public class SelectorWakeQueueEndpoint {

	static final String ROUTING_NOT_CONFIGURED = "not configured: this queue was not created by "
			+ "SelectorWakeQueueAutoConfiguration, so application events are not routed through it";

	private final SelectorWakeQueue queue;

	private final Duration stallThreshold;

	private final @Nullable EventRoutingStatus routing;

	/**
	 * Creates the endpoint.
	 * @param queue the queue to describe
	 * @param stallThreshold how long one task may run before the reactor counts as stalled
	 * @param routing the event routing status, or {@code null} when events are not routed by this starter
	 */
	public SelectorWakeQueueEndpoint(SelectorWakeQueue queue, Duration stallThreshold,
			@Nullable EventRoutingStatus routing) {
		this.queue = Objects.requireNonNull(queue, "queue");
		this.stallThreshold = Objects.requireNonNull(stallThreshold, "stallThreshold");
		this.routing = routing;
	}

	/**
	 * Describes the queue now.
	 * @return the description, as a map in a stable key order
	 */
	@ReadOperation
	public Map<String, Object> describe() {
		SelectorWakeQueueDiagnosis diagnosis = SelectorWakeQueueDiagnosis.diagnose(this.queue, this.stallThreshold);
		Stats stats = diagnosis.stats();
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("name", stats.name());
		body.put("running", stats.running());
		body.put("closed", stats.closed());
		body.put("size", stats.size());
		body.put("capacity", stats.capacity());
		body.put("utilization", SelectorWakeQueueDiagnosis.utilization(stats));
		body.put("enqueued", stats.enqueued());
		body.put("dispatched", stats.dispatched());
		body.put("rejected", stats.rejected());
		body.put("callerRuns", stats.callerRuns());
		body.put("discarded", stats.discarded());
		body.put("failed", stats.failed());
		body.put("wakeups", stats.wakeups());
		body.put("reactorRestarts", stats.reactorRestarts());
		body.put("oldestTaskAge", stats.oldestTaskAge().toString());
		body.put("currentTaskRunningFor", stats.currentTaskRunningFor().toString());
		body.put("overflowPolicy", this.queue.overflowPolicy().name());
		body.put("eventRouting", eventRouting());
		if (this.routing != null) {
			Map<String, Object> events = new LinkedHashMap<>();
			events.put("async", this.routing.asyncCount());
			events.put("sync", this.routing.syncCount());
			body.put("events", events);
		}
		body.put("reactorThread", diagnosis.reactorThread());
		body.put("health", diagnosis.condition().name());
		return body;
	}

	private Object eventRouting() {
		if (this.routing == null) {
			return ROUTING_NOT_CONFIGURED;
		}
		if (this.routing.isActive()) {
			return true;
		}
		String reason = this.routing.getReason();
		return (reason != null) ? reason : "not active";
	}

}
