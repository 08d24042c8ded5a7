package io.github.selectorwakequeue.spring.actuate;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.github.selectorwakequeue.LaneStats;
import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.Stats;
import io.github.selectorwakequeue.spring.event.EventRoutingStatus;
import io.github.selectorwakequeue.spring.event.RoutedListener;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
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
 * {@code reactorRestarts}, {@code selectorRebuilds}, {@code tasksLost}, {@code closed}, {@code oldestTaskAge}, {@code currentTaskRunningFor}; durations
 * as ISO-8601 strings), {@code utilization} (percent), {@code eventRouting} ({@code true}, or a sentence
 * saying why events are not routed), the events counted each way, {@code listeners} (every listener of the context,
 * the thread it runs on and why, known without creating a listener bean), the reactor thread's {@code name} and
 * {@code state}, {@code reactorHandOffs}, {@code lanes} (per listener: mode, depth, lag, delivered, cost, and the
 * thread of an event running off the reactor), {@code relatedQueues} (the application's other queues, such as each
 * Logback {@code SelectorWakeQueueAppender}'s, with its drops per level), and the {@code health} status (the rules of {@link SelectorWakeQueueHealthIndicator}).
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

	private final RelatedQueues related;

	/**
	 * Creates the endpoint.
	 * @param queue the queue to describe
	 * @param stallThreshold how long one task may run before the reactor counts as stalled
	 * @param routing the event routing status, or {@code null} when events are not routed by this starter
	 */
	public SelectorWakeQueueEndpoint(SelectorWakeQueue queue, Duration stallThreshold,
			@Nullable EventRoutingStatus routing) {
		this(queue, stallThreshold, routing, List::of);
	}

	/**
	 * Creates the endpoint.
	 * @param queue the queue to describe
	 * @param stallThreshold how long one task may run before the reactor counts as stalled
	 * @param routing the event routing status, or {@code null} when events are not routed by this starter
	 * @param related other queues to describe next to it, such as the Logback appenders'
	 */
	public SelectorWakeQueueEndpoint(SelectorWakeQueue queue, Duration stallThreshold,
			@Nullable EventRoutingStatus routing, RelatedQueues related) {
		this.queue = Objects.requireNonNull(queue, "queue");
		this.stallThreshold = Objects.requireNonNull(stallThreshold, "stallThreshold");
		this.routing = routing;
		this.related = Objects.requireNonNull(related, "related");
	}

	/**
	 * Describes the queue now.
	 * @return the description
	 */
	@ReadOperation
	public QueueDescriptor describe() {
		SelectorWakeQueueDiagnosis diagnosis = SelectorWakeQueueDiagnosis.diagnose(this.queue, this.stallThreshold);
		Stats stats = diagnosis.stats();
		EventCounts events = (this.routing != null)
				? new EventCounts(this.routing.asyncCount(), this.routing.syncCount()) : null;
		return new QueueDescriptor(stats.name(), stats.running(), stats.closed(), stats.size(), stats.capacity(),
				SelectorWakeQueueDiagnosis.utilization(stats), stats.enqueued(), stats.dispatched(), stats.rejected(),
				stats.callerRuns(), stats.discarded(), stats.failed(), stats.wakeups(), stats.reactorRestarts(),
				stats.selectorRebuilds(), stats.tasksLost(), stats.overflowed(), stats.oldestTaskAge().toString(),
				stats.currentTaskRunningFor().toString(), this.queue.overflowPolicy().name(), eventRouting(), events,
				listeners(), diagnosis.reactorThread(), stats.reactorHandOffs(), stats.laneWorkerCompensations(),
				lanes(diagnosis), related(), diagnosis.condition().name());
	}

	private @Nullable List<ListenerDescriptor> listeners() {
		return (this.routing != null) ? this.routing.listeners().stream().map(ListenerDescriptor::of).toList() : null;
	}

	private @Nullable List<RelatedQueueDescriptor> related() {
		List<RelatedQueues.RelatedQueue> queues = this.related.relatedQueues();
		return queues.isEmpty() ? null : queues.stream().map(RelatedQueueDescriptor::of).toList();
	}

	private static List<LaneDescriptor> lanes(SelectorWakeQueueDiagnosis diagnosis) {
		return diagnosis.lanes().stream().map(LaneDescriptor::of).toList();
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

	/**
	 * The body of {@code GET /actuator/wakequeue}: the queue's counters, its routing and its health verdict.
	 * Durations are ISO-8601 strings; nothing of a task or event is ever included.
	 *
	 * @param name the queue's name
	 * @param running whether the reactor thread is alive and the queue not closed
	 * @param closed whether the queue has been closed
	 * @param size tasks queued now
	 * @param capacity the most tasks the queue holds
	 * @param utilization {@code size} as a percentage of {@code capacity}, two decimals
	 * @param enqueued tasks accepted since the queue was built
	 * @param dispatched tasks the reactor took and ran
	 * @param rejected tasks refused
	 * @param callerRuns tasks run on the submitting thread
	 * @param discarded tasks dropped
	 * @param failed tasks that threw
	 * @param wakeups wake-ups issued to a sleeping reactor
	 * @param reactorRestarts reactor threads restarted after dying
	 * @param selectorRebuilds selectors rebuilt
	 * @param tasksLost tasks of producers that died inside an offer
	 * @param overflowed events that found the queue full and waited in order behind it
	 * @param oldestTaskAge an upper bound on how long the oldest queued task has waited
	 * @param currentTaskRunningFor how long the reactor's current task has run
	 * @param overflowPolicy what {@code execute} does when the queue is full or closed
	 * @param eventRouting {@code true}, or a sentence saying why events are not routed
	 * @param events events delivered each way, or {@code null} when events are not routed by this starter
	 * @param listeners every listener of the context, where it runs and why, or {@code null} when events are not
	 * routed by this starter
	 * @param reactorThread the reactor thread's {@code name} and {@code state}, or {@code null} before start
	 * @param reactorHandOffs spare reactor threads that carried on while the previous one stayed with a stuck listener
	 * @param laneWorkerCompensations lane workers allowed beyond the limit because as many were stuck
	 * @param lanes the listeners' lanes, by name
	 * @param relatedQueues the application's other queues (Logback appenders'), or {@code null} when there are none
	 * @param health the verdict of the health rules
	 */
	public record QueueDescriptor(String name, boolean running, boolean closed, int size, int capacity,
			double utilization, long enqueued, long dispatched, long rejected, long callerRuns, long discarded,
			long failed, long wakeups, long reactorRestarts, long selectorRebuilds, long tasksLost, long overflowed,
			String oldestTaskAge, String currentTaskRunningFor,
			String overflowPolicy, Object eventRouting, @Nullable EventCounts events,
			@Nullable List<ListenerDescriptor> listeners, @Nullable Map<String, Object> reactorThread,
			long reactorHandOffs, long laneWorkerCompensations, List<LaneDescriptor> lanes,
			@Nullable List<RelatedQueueDescriptor> relatedQueues, String health) implements OperationResponseBody {
	}

	/**
	 * One of the application's other queues.
	 *
	 * @param kind what it serves, such as {@code logback-appender}
	 * @param name its name
	 * @param running whether its reactor runs
	 * @param size tasks queued now
	 * @param capacity the most it holds
	 * @param enqueued tasks accepted
	 * @param dispatched tasks run
	 * @param failed tasks that threw
	 * @param wakeups wake-ups issued
	 * @param reactorRestarts reactor threads restarted
	 * @param details what its owner adds (for an appender: drops per level and its settings)
	 */
	public record RelatedQueueDescriptor(String kind, String name, boolean running, int size, int capacity,
			long enqueued, long dispatched, long failed, long wakeups, long reactorRestarts,
			Map<String, Object> details) {

		static RelatedQueueDescriptor of(RelatedQueues.RelatedQueue related) {
			Stats stats = related.queue().stats();
			return new RelatedQueueDescriptor(related.kind(), related.name(), stats.running(), stats.size(),
					stats.capacity(), stats.enqueued(), stats.dispatched(), stats.failed(), stats.wakeups(),
					stats.reactorRestarts(), related.details());
		}

	}

	/**
	 * One listener of the context: where it runs, and why when not on the queue.
	 *
	 * @param listener its name: {@code Bean.method(Event)} for an {@code @EventListener} method (its lane's name), the
	 * class name for an {@code ApplicationListener}
	 * @param bean its bean's name, or {@code null} if it is not a bean (or not known without creating it)
	 * @param thread {@code queue} or {@code publisher}
	 * @param reason why it runs on the publisher's thread ({@code @PublisherThread}, transactional, a thread-bound
	 * scope, ...), or {@code null} for a plain listener on the queue
	 */
	public record ListenerDescriptor(String listener, @Nullable String bean, String thread, @Nullable String reason) {

		static ListenerDescriptor of(RoutedListener listener) {
			return new ListenerDescriptor(listener.listener(), listener.bean(), listener.thread(), listener.reason());
		}

	}

	/**
	 * One listener's lane.
	 *
	 * @param listener the lane's name: the listener, as {@code Bean.method(Event)}
	 * @param mode {@code ON_REACTOR}, {@code ON_WORKER} or {@code STUCK}
	 * @param depth events waiting for it
	 * @param lag how long the oldest of them has waited, ISO-8601
	 * @param delivered events it has received through its lane
	 * @param cost its smoothed cost per event, ISO-8601
	 * @param runningFor how long its current event has been running off the reactor, ISO-8601
	 * @param thread the thread running it off the reactor, or {@code null}
	 */
	public record LaneDescriptor(String listener, String mode, int depth, String lag, long delivered, String cost,
			String runningFor, @Nullable String thread) {

		static LaneDescriptor of(LaneStats lane) {
			Thread thread = lane.runningThread();
			return new LaneDescriptor(lane.name(), lane.mode().name(), lane.depth(), lane.lag().toString(),
					lane.delivered(), lane.cost().toString(), lane.runningFor().toString(),
					(thread != null) ? thread.getName() : null);
		}

	}

	/**
	 * Application events delivered on the reactor and on their publisher's thread.
	 *
	 * @param async events delivered on the reactor
	 * @param sync events delivered on the publisher's thread
	 */
	public record EventCounts(long async, long sync) {
	}

}
