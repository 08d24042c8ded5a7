package io.github.selectorwakequeue.spring.metrics;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.Stats;
import io.github.selectorwakequeue.TaskTimings;
import io.github.selectorwakequeue.spring.event.EventRoutingStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
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
 * {@code dispatched}, {@code rejected}, {@code caller_runs}, {@code discarded}, {@code failed}, {@code lost}</td>
 * <td>task outcomes ({@code lost}: a producer died of a stack overflow inside its offer)</td></tr>
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
 * </table>
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
