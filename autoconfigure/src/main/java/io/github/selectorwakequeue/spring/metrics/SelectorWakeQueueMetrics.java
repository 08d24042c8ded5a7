package io.github.selectorwakequeue.spring.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.github.selectorwakequeue.Lane;
import io.github.selectorwakequeue.LaneObserver;
import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.Stats;
import io.github.selectorwakequeue.TaskTimings;
import io.github.selectorwakequeue.spring.event.EventRoutingStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Binds the meters of one {@link SelectorWakeQueue}. Every meter carries the tag {@code name} (the queue's
 * name); no tag ever carries a task, an event, an event class or a thread id.
 * <table>
 * <caption>Meters</caption>
 * <tr><th>meter</th><th>type</th><th>what</th></tr>
 * <tr><td>{@code wakequeue.depth}</td><td>gauge, tasks</td><td>tasks queued now</td></tr>
 * <tr><td>{@code wakequeue.capacity}</td><td>gauge, tasks</td><td>capacity (rounded up to a power of two)</td></tr>
 * <tr><td>{@code wakequeue.tasks}</td><td>function counter, tag {@code outcome} = {@code enqueued},
 * {@code dispatched}, {@code rejected}, {@code caller_runs}, {@code discarded}, {@code failed}, {@code lost},
 * {@code overflowed}</td><td>task outcomes ({@code lost}: a producer died of a stack overflow inside its offer;
 * {@code overflowed}: an event that found the queue full and waited in order behind it, also counted as
 * {@code enqueued})</td></tr>
 * <tr><td>{@code wakequeue.wakeups}</td><td>function counter</td><td>wake-ups issued to a sleeping
 * reactor</td></tr>
 * <tr><td>{@code wakequeue.reactor.restarts}</td><td>function counter</td><td>reactor threads restarted after
 * dying</td></tr>
 * <tr><td>{@code wakequeue.selector.rebuilds}</td><td>function counter</td><td>selectors rebuilt (JDK epoll spin
 * bug, or a failing {@code select})</td></tr>
 * <tr><td>{@code wakequeue.wait}</td><td>timer, sampled</td><td>time from enqueue to start of run</td></tr>
 * <tr><td>{@code wakequeue.execution}</td><td>timer, sampled</td><td>run time of a task</td></tr>
 * <tr><td>{@code wakequeue.events}</td><td>function counter, tag {@code mode} = {@code async},
 * {@code sync}</td><td>application events delivered on the reactor / on the publisher's thread</td></tr>
 * <tr><td>{@code wakequeue.reactor.handoffs}</td><td>function counter</td><td>spare reactor threads that carried on
 * while the previous one stayed with a stuck listener</td></tr>
 * <tr><td>{@code wakequeue.lane.worker.compensations}</td><td>function counter</td><td>lane workers allowed beyond
 * {@code lanes.workers} because as many were stuck in a listener call</td></tr>
 * <tr><td>{@code wakequeue.lane.depth}</td><td>gauge, events, tag {@code listener}</td><td>events waiting for a
 * listener that runs off the reactor</td></tr>
 * <tr><td>{@code wakequeue.lane.lag}</td><td>time gauge, tag {@code listener}</td><td>how long the oldest of them
 * has waited</td></tr>
 * <tr><td>{@code wakequeue.lane.delivered}</td><td>function counter, tag {@code listener}</td><td>events the
 * listener has received through its lane</td></tr>
 * <tr><td>{@code wakequeue.lane.offreactor}</td><td>gauge, tag {@code listener}</td><td>0 on the reactor, 1 on a
 * worker, 2 stuck</td></tr>
 * </table>
 * The {@code listener} tag is the lane's name ({@code Bean.method(Event)}): one value per listener of the
 * application. Lane meters appear as lanes are created (at start-up for the {@code @EventListener} methods known
 * then, at its first event for any other listener) and are removed when the queue forgets a released lane (its
 * listener was removed).
 *
 * <p><b>Cost.</b> Counters and gauges read the queue's own counters ({@link FunctionCounter} and
 * {@link Gauge} over {@link SelectorWakeQueue#stats()}) when the registry is read: the hot path pays nothing
 * for them. The timers exist only when a {@link TaskTimingsRelay} is given (the queue must have been built
 * with it); they record the tasks the queue samples: <b>1 in N</b>, N being
 * {@code selector-wake-queue.metrics.timing-sample-every}, <b>64 by default</b> (set 1 to time every task).
 * Their counts are therefore about 1/N of the tasks run; use {@code wakequeue.tasks{outcome=dispatched}}
 * for exact counts and the timers for latency distributions. {@code wakequeue.events} exists only when an
 * {@link EventRoutingStatus} is given.
 *
 * <p>Thread-safe: {@link #bindTo} may be called for several registries; sampled timings then go to each.
 */
public final class SelectorWakeQueueMetrics implements MeterBinder {

	private static final String TASKS_UNIT = "tasks";

	private final SelectorWakeQueue queue;

	private final @Nullable EventRoutingStatus routing;

	private final @Nullable TaskTimingsRelay relay;

	private final TimerRecorder recorder = new TimerRecorder();

	/**
	 * Creates a binder.
	 * @param queue the queue to measure
	 * @param routing counts of routed application events, or {@code null} to leave out {@code wakequeue.events}
	 * @param relay the relay the queue reports its sampled timings to, or {@code null} to leave out the timers
	 */
	public SelectorWakeQueueMetrics(SelectorWakeQueue queue, @Nullable EventRoutingStatus routing,
			@Nullable TaskTimingsRelay relay) {
		this.queue = Objects.requireNonNull(queue, "queue");
		this.routing = routing;
		this.relay = relay;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Tags tags = Tags.of("name", this.queue.name());
		Gauge.builder("wakequeue.depth", this.queue, (queue) -> queue.stats().size())
			.description("Tasks queued now")
			.baseUnit(TASKS_UNIT)
			.tags(tags)
			.register(registry);
		Gauge.builder("wakequeue.capacity", this.queue, SelectorWakeQueue::capacity)
			.description("Most tasks the queue holds")
			.baseUnit(TASKS_UNIT)
			.tags(tags)
			.register(registry);
		bindOutcome(registry, tags, "enqueued", Stats::enqueued);
		bindOutcome(registry, tags, "dispatched", Stats::dispatched);
		bindOutcome(registry, tags, "rejected", Stats::rejected);
		bindOutcome(registry, tags, "caller_runs", Stats::callerRuns);
		bindOutcome(registry, tags, "discarded", Stats::discarded);
		bindOutcome(registry, tags, "failed", Stats::failed);
		bindOutcome(registry, tags, "lost", Stats::tasksLost);
		bindOutcome(registry, tags, "overflowed", Stats::overflowed);
		FunctionCounter.builder("wakequeue.wakeups", this.queue, (queue) -> queue.stats().wakeups())
			.description("Wake-ups issued to a sleeping reactor")
			.baseUnit("wakeups")
			.tags(tags)
			.register(registry);
		FunctionCounter.builder("wakequeue.reactor.restarts", this.queue, (queue) -> queue.stats().reactorRestarts())
			.description("Reactor threads restarted after dying")
			.baseUnit("restarts")
			.tags(tags)
			.register(registry);
		FunctionCounter.builder("wakequeue.selector.rebuilds", this.queue, (queue) -> queue.stats().selectorRebuilds())
			.description("Selectors rebuilt after the JDK's epoll spin bug or a failing select")
			.baseUnit("rebuilds")
			.tags(tags)
			.register(registry);
		FunctionCounter.builder("wakequeue.reactor.handoffs", this.queue, (queue) -> queue.stats().reactorHandOffs())
			.description("Spare reactor threads that carried on while the previous one stayed with a stuck listener")
			.baseUnit("handoffs")
			.tags(tags)
			.register(registry);
		FunctionCounter.builder("wakequeue.lane.worker.compensations", this.queue,
				(queue) -> queue.stats().laneWorkerCompensations())
			.description("Lane workers allowed beyond the limit because as many were stuck in a listener call")
			.baseUnit("compensations")
			.tags(tags)
			.register(registry);
		this.queue.observeLanes(new LaneMeters(registry, tags));
		if (this.routing != null) {
			bindEvents(registry, tags, "async", this.routing, EventRoutingStatus::asyncCount);
			bindEvents(registry, tags, "sync", this.routing, EventRoutingStatus::syncCount);
		}
		if (this.relay != null) {
			Timer wait = Timer.builder("wakequeue.wait")
				.description("Time from enqueue to the start of a task's run (1 in N tasks sampled)")
				.tags(tags)
				.register(registry);
			Timer execution = Timer.builder("wakequeue.execution")
				.description("Run time of a task (1 in N tasks sampled)")
				.tags(tags)
				.register(registry);
			this.recorder.add(wait, execution);
			this.relay.attach(this.recorder);
		}
	}

	private void bindOutcome(MeterRegistry registry, Tags tags, String outcome, ToDoubleFunction<Stats> count) {
		FunctionCounter.builder("wakequeue.tasks", this.queue, (queue) -> count.applyAsDouble(queue.stats()))
			.description("Tasks by outcome")
			.baseUnit(TASKS_UNIT)
			.tags(tags)
			.tag("outcome", outcome)
			.register(registry);
	}

	/**
	 * Binds the four meters of each lane as it is created, and removes them when the queue forgets a released lane
	 * (its listener is gone): the {@code listener} tag's values stay as many as the listeners that exist.
	 */
	private static final class LaneMeters implements LaneObserver {

		private final MeterRegistry registry;

		private final Tags tags;

		private final Map<Lane, List<Meter>> meters = new ConcurrentHashMap<>();

		LaneMeters(MeterRegistry registry, Tags tags) {
			this.registry = registry;
			this.tags = tags;
		}

		@Override
		public void created(Lane lane) {
			Tags laneTags = this.tags.and("listener", lane.name());
			this.meters.put(lane, List.of(Gauge.builder("wakequeue.lane.depth", lane, (l) -> l.stats().depth())
				.description("Events waiting for a listener that runs off the reactor")
				.baseUnit("events")
				.tags(laneTags)
				.register(this.registry),
					TimeGauge.builder("wakequeue.lane.lag", lane, TimeUnit.NANOSECONDS, (l) -> l.stats().lag().toNanos())
						.description("How long the oldest event waiting for the listener has waited")
						.tags(laneTags)
						.register(this.registry),
					FunctionCounter.builder("wakequeue.lane.delivered", lane, (l) -> l.stats().delivered())
						.description("Events the listener has received through its lane")
						.baseUnit("events")
						.tags(laneTags)
						.register(this.registry),
					Gauge.builder("wakequeue.lane.offreactor", lane, (l) -> l.stats().mode().ordinal())
						.description("Where the listener runs: 0 on the reactor, 1 on a worker, 2 stuck")
						.tags(laneTags)
						.register(this.registry)));
		}

		@Override
		public void released(Lane lane) {
			List<Meter> removed = this.meters.remove(lane);
			if (removed != null) {
				removed.forEach(this.registry::remove);
			}
		}

	}

	private static void bindEvents(MeterRegistry registry, Tags tags, String mode, EventRoutingStatus routing,
			ToDoubleFunction<EventRoutingStatus> count) {
		FunctionCounter.builder("wakequeue.events", routing, count)
			.description("Application events delivered on the reactor (async) or on the publisher's thread (sync)")
			.baseUnit("events")
			.tags(tags)
			.tag("mode", mode)
			.register(registry);
	}

	/**
	 * Records sampled timings into the timers of every registry bound so far. Called on the reactor thread
	 * for 1 in N tasks: reads one volatile array and records into each timer, never blocks, never allocates.
	 */
	private static final class TimerRecorder implements TaskTimings {

		private volatile Timer[] timers = new Timer[0];

		synchronized void add(Timer wait, Timer execution) {
			Timer[] grown = Arrays.copyOf(this.timers, this.timers.length + 2);
			grown[grown.length - 2] = wait;
			grown[grown.length - 1] = execution;
			this.timers = grown;
		}

		@Override
		public void record(long waitNanos, long runNanos) {
			Timer[] current = this.timers;
			for (int i = 0; i + 1 < current.length; i += 2) {
				current[i].record(waitNanos, TimeUnit.NANOSECONDS);
				current[i + 1].record(runNanos, TimeUnit.NANOSECONDS);
			}
		}

	}

}
