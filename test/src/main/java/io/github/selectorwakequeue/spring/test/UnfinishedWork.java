package io.github.selectorwakequeue.spring.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.github.selectorwakequeue.Lane;
import io.github.selectorwakequeue.LaneStats;
import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.Stats;

/**
 * What a queue is still doing when a wait for its quiescence timed out, as a failure message: each listener lane
 * that is running or has events waiting (mode, how long, on which thread, with its top frames), and the reactor
 * (tasks queued, the task it is in). Reads only the queue's statistics and thread stacks: never an event or a task.
 */
final class UnfinishedWork {

	/**
	 * How many of a busy thread's top stack frames the message shows at least; more, up to {@link #MAX_STACK_FRAMES},
	 * when the first frame outside the JDK comes later.
	 */
	static final int STACK_FRAMES = 4;

	/** How many of a busy thread's top stack frames the message shows at most. */
	static final int MAX_STACK_FRAMES = 16;

	private final Stats stats;

	private final List<LaneStats> busyLanes;

	private final Thread reactor;

	private UnfinishedWork(Stats stats, List<LaneStats> busyLanes, Thread reactor) {
		this.stats = stats;
		this.busyLanes = busyLanes;
		this.reactor = reactor;
	}

	/**
	 * Takes one look at the queue.
	 * @param queue the queue
	 * @return what it is still doing
	 */
	static UnfinishedWork of(SelectorWakeQueue queue) {
		List<LaneStats> busy = new ArrayList<>();
		for (Lane lane : queue.lanes()) {
			LaneStats stats = lane.stats();
			if (stats.mode() == Lane.Mode.STUCK || stats.depth() > 0 || !stats.runningFor().isZero()) {
				busy.add(stats);
			}
		}
		busy.sort(Comparator.comparing(LaneStats::runningFor).reversed().thenComparing(LaneStats::name));
		// The first look makes the reactor's current task visible to the second when that task was not one the
		// reactor timed itself (stats() counts its running time from the first look that saw it).
		queue.stats();
		return new UnfinishedWork(queue.stats(), busy, queue.reactorThread().orElse(null));
	}

	/**
	 * The failure message.
	 * @param timeout how long the wait lasted
	 * @param when what the wait followed
	 * @return several lines: what was waited for, then one entry per busy lane and one for the reactor
	 */
	String describe(Duration timeout, String when) {
		StringBuilder message = new StringBuilder("Event delivery on queue '").append(this.stats.name())
			.append("' did not finish within ").append(timeout).append(' ').append(when).append('.');
		if (this.busyLanes.isEmpty() && this.stats.size() == 0 && this.stats.currentTaskRunningFor().isZero()) {
			return message.append(" Nothing is running or waiting any more: it finished just after the timeout.")
				.toString();
		}
		message.append(" Still running or waiting:");
		for (LaneStats lane : this.busyLanes) {
			describeLane(message, lane);
		}
		describeReactor(message);
		return message.toString();
	}

	private static void describeLane(StringBuilder message, LaneStats lane) {
		message.append("\n- listener ").append(lane.name()).append(": ").append(lane.mode());
		if (lane.runningThread() != null && !lane.runningFor().isZero()) {
			message.append(", running for ").append(lane.runningFor()).append(" on thread '")
				.append(lane.runningThread().getName()).append('\'');
		}
		if (lane.depth() > 0) {
			message.append(", ").append(lane.depth()).append((lane.depth() == 1) ? " event" : " events")
				.append(" waiting (the oldest for ").append(lane.lag()).append(')');
		}
		if (lane.runningThread() != null && !lane.runningFor().isZero()) {
			appendStack(message, lane.runningThread());
		}
	}

	private void describeReactor(StringBuilder message) {
		message.append("\n- reactor");
		if (this.reactor != null) {
			message.append(" '").append(this.reactor.getName()).append('\'');
		}
		if (this.stats.closed()) {
			message.append(" (queue closed)");
		}
		else if (!this.stats.running()) {
			message.append(" (not running)");
		}
		message.append(": ").append(this.stats.size()).append((this.stats.size() == 1) ? " task" : " tasks")
			.append(" queued");
		if (this.stats.size() > 0) {
			message.append(" (the oldest for at most ").append(this.stats.oldestTaskAge()).append(')');
		}
		if (!this.stats.currentTaskRunningFor().isZero()) {
			message.append(", in a task for at least ").append(this.stats.currentTaskRunningFor());
			if (this.reactor != null) {
				appendStack(message, this.reactor);
			}
		}
	}

	/** The thread's top frames, down to the first frame outside the JDK (the listener's, usually). */
	private static void appendStack(StringBuilder message, Thread thread) {
		StackTraceElement[] frames = thread.getStackTrace();
		int shown = Math.min(frames.length, MAX_STACK_FRAMES);
		for (int i = 0; i < shown; i++) {
			if (i >= STACK_FRAMES && !isJdk(frames[i - 1])) {
				shown = i;
				break;
			}
			StackTraceElement frame = frames[i];
			message.append("\n    at ").append(frame.getClassName()).append('.').append(frame.getMethodName())
				.append('(').append((frame.getFileName() != null) ? frame.getFileName() : "Unknown Source");
			if (frame.getLineNumber() >= 0) {
				message.append(':').append(frame.getLineNumber());
			}
			message.append(')');
		}
		if (frames.length > shown) {
			message.append("\n    ...");
		}
	}

	private static boolean isJdk(StackTraceElement frame) {
		String module = frame.getModuleName();
		return module != null && (module.startsWith("java.") || module.startsWith("jdk."));
	}

}
