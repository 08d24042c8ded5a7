package io.github.selectorwakequeue.spring.actuate;

import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.github.selectorwakequeue.Lane;
import io.github.selectorwakequeue.LaneStats;
import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.Stats;

import org.jspecify.annotations.Nullable;

/**
 * One look at a {@link SelectorWakeQueue}: its {@link Stats}, its reactor thread and the verdict the
 * health indicator and the {@code wakequeue} endpoint both report. Kept free of Actuator and health types
 * so that either can exist without the other.
 *
 * <p>The rules, in order:
 * <ol>
 * <li>{@link Condition#OUT_OF_SERVICE} once the queue is closed;</li>
 * <li>{@link Condition#UNKNOWN} before the queue has been started (no reactor thread yet);</li>
 * <li>{@link Condition#DOWN} when the reactor thread is not running;</li>
 * <li>{@link Condition#DOWN} when the task on the reactor has been running longer than the stall threshold
 * (every task behind it waits);</li>
 * <li>{@link Condition#DOWN} when a listener's lane has been running one event off the reactor for longer than the
 * stall threshold (a stuck listener: its own events wait, the other lanes go on), naming the listener and showing
 * its thread;</li>
 * <li>{@link Condition#UP} otherwise.</li>
 * </ol>
 * How long the current task has run comes from {@link Stats#currentTaskRunningFor()}: for most tasks it
 * counts from the first observation that saw the reactor in that task, so a stall is reported from the
 * second look on (health checks and scrapes are repeated, which is what makes this cheap on the hot path).
 *
 * <p>Never includes anything of a task or event: only counters, durations, the reactor thread's name and
 * state, and (when {@code DOWN}) the class and method names of the reactor's top stack frames. Creating one
 * is lock-free and safe from any thread.
 */
final class SelectorWakeQueueDiagnosis {

	private static final Comparator<LaneStats> BY_NAME = Comparator.comparing(LaneStats::name);

	/** How many of the reactor's top stack frames a {@code DOWN} verdict carries. */
	static final int MAX_STACK_FRAMES = 10;

	/** The verdict, with the names of Spring Boot's health statuses. */
	enum Condition {

		/** The reactor runs and no task has run longer than the stall threshold. */
		UP,

		/** The reactor is not running, or a task has run longer than the stall threshold. */
		DOWN,

		/** The queue has been closed. */
		OUT_OF_SERVICE,

		/** The queue has not been started yet. */
		UNKNOWN

	}

	private final Stats stats;

	private final Condition condition;

	private final @Nullable String reason;

	private final @Nullable Thread reactor;

	private final Thread.@Nullable State reactorState;

	private final List<String> stack;

	private final List<LaneStats> lanes;

	private final @Nullable LaneStats stalledLane;

	private SelectorWakeQueueDiagnosis(Stats stats, Condition condition, @Nullable String reason,
			@Nullable Thread reactor, List<String> stack, List<LaneStats> lanes, @Nullable LaneStats stalledLane) {
		this.stats = stats;
		this.condition = condition;
		this.reason = reason;
		this.reactor = reactor;
		this.reactorState = (reactor != null) ? reactor.getState() : null;
		this.stack = stack;
		this.lanes = lanes;
		this.stalledLane = stalledLane;
	}

	/**
	 * Looks at the queue once.
	 * @param queue the queue
	 * @param stallThreshold how long one task may run before the reactor counts as stalled
	 * @return the diagnosis
	 */
	static SelectorWakeQueueDiagnosis diagnose(SelectorWakeQueue queue, Duration stallThreshold) {
		Objects.requireNonNull(queue, "queue");
		Objects.requireNonNull(stallThreshold, "stallThreshold");
		Stats stats = queue.stats();
		Thread reactor = queue.reactorThread().orElse(null);
		List<LaneStats> lanes = queue.lanes().stream().map(Lane::stats).sorted(BY_NAME).toList();
		if (stats.closed()) {
			return new SelectorWakeQueueDiagnosis(stats, Condition.OUT_OF_SERVICE, "closed", reactor, List.of(), lanes,
					null);
		}
		if (reactor == null) {
			return new SelectorWakeQueueDiagnosis(stats, Condition.UNKNOWN, "not started", null, List.of(), lanes,
					null);
		}
		if (!stats.running()) {
			return new SelectorWakeQueueDiagnosis(stats, Condition.DOWN, "reactor thread not running", reactor,
					List.of(), lanes, null);
		}
		if (stats.currentTaskRunningFor().compareTo(stallThreshold) > 0) {
			return new SelectorWakeQueueDiagnosis(stats, Condition.DOWN,
					"stalled: a task has run longer than " + stallThreshold, reactor, topFrames(reactor), lanes, null);
		}
		for (LaneStats lane : lanes) {
			Thread thread = lane.runningThread();
			if (thread != null && lane.runningFor().compareTo(stallThreshold) > 0) {
				return new SelectorWakeQueueDiagnosis(stats, Condition.DOWN, "stalled: listener " + lane.name()
						+ " has run longer than " + stallThreshold + " (other listeners go on)", reactor,
						topFrames(thread), lanes, lane);
			}
		}
		return new SelectorWakeQueueDiagnosis(stats, Condition.UP, null, reactor, List.of(), lanes, null);
	}

	private static List<String> topFrames(Thread thread) {
		StackTraceElement[] frames = thread.getStackTrace();
		return Arrays.stream(frames).limit(MAX_STACK_FRAMES).map(StackTraceElement::toString).toList();
	}

	Stats stats() {
		return this.stats;
	}

	Condition condition() {
		return this.condition;
	}

	/**
	 * Why the verdict is not {@code UP}.
	 * @return the reason, or {@code null} when {@code UP}
	 */
	@Nullable String reason() {
		return this.reason;
	}

	/**
	 * Whether the verdict is {@code DOWN} because a task on the reactor has run longer than the stall threshold.
	 * @return {@code true} when the reactor is stalled
	 */
	boolean stalled() {
		return this.condition == Condition.DOWN && this.stats.running() && this.stalledLane == null;
	}

	/**
	 * The lanes of the queue, by name.
	 * @return a snapshot of each lane
	 */
	List<LaneStats> lanes() {
		return this.lanes;
	}

	/**
	 * The reactor thread's name and state.
	 * @return a two-entry map, or {@code null} before the queue was started
	 */
	@Nullable Map<String, Object> reactorThread() {
		if (this.reactor == null) {
			return null;
		}
		Map<String, Object> thread = new LinkedHashMap<>();
		thread.put("name", this.reactor.getName());
		thread.put("state", String.valueOf(this.reactorState));
		return thread;
	}

	/**
	 * Size, capacity, utilization, oldest task age and restarts (always); the reason, and for a
	 * {@code DOWN} verdict the reactor thread with its top frames and, when stalled, for how long. For a stalled
	 * listener, its thread with the top frames is {@code stalledThread}, and {@code reactorThread} is the reactor
	 * going on without it (name and state).
	 * @return the details, in a stable order
	 */
	Map<String, Object> healthDetails() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("size", this.stats.size());
		details.put("capacity", this.stats.capacity());
		details.put("utilization", utilization(this.stats));
		details.put("oldestTaskAge", this.stats.oldestTaskAge().toString());
		details.put("reactorRestarts", this.stats.reactorRestarts());
		if (!this.lanes.isEmpty()) {
			details.put("lanesOffReactor", this.lanes.stream().filter((lane) -> lane.mode() != Lane.Mode.ON_REACTOR).count());
		}
		if (this.reason != null) {
			details.put("reason", this.reason);
		}
		if (this.stalledLane != null) {
			// The thread that stalled is the listener's: the reactor that was running it when it was handed off, or
			// a lane worker. It is not the reactor, which goes on (a new thread after a hand-off): reported apart.
			details.put("stalledListener", this.stalledLane.name());
			details.put("stalledFor", this.stalledLane.runningFor().toString());
			Thread thread = this.stalledLane.runningThread();
			Map<String, Object> stalledThread = new LinkedHashMap<>();
			stalledThread.put("name", (thread != null) ? thread.getName() : null);
			stalledThread.put("state", (thread != null) ? String.valueOf(thread.getState()) : null);
			stalledThread.put("stackTrace", this.stack);
			details.put("stalledThread", stalledThread);
			details.put("reactorThread", reactorThread());
			return details;
		}
		if (this.condition == Condition.DOWN) {
			if (stalled()) {
				details.put("stalledFor", this.stats.currentTaskRunningFor().toString());
			}
			Map<String, Object> thread = reactorThread();
			if (thread != null) {
				thread.put("stackTrace", this.stack);
				details.put("reactorThread", thread);
			}
		}
		return details;
	}

	/**
	 * The queue's utilization, rounded to two decimals.
	 * @param stats the stats
	 * @return {@code size} as a percentage of {@code capacity}
	 */
	static double utilization(Stats stats) {
		return Math.round(stats.utilization() * 100.0) / 100.0;
	}

}
