package io.github.selectorwakequeue;

import java.util.ArrayDeque;

/**
 * Runs a task on the thread that submitted it, for a queue that cannot take it (caller-runs, or the reactor
 * submitting into its own full queue), without nesting: a task submitted the same way from inside such a run is
 * queued on this thread and runs right after the current one, before the outermost submission returns. So a
 * chain of tasks that keep submitting while the queue stays full runs at constant stack depth, in submission
 * order, with nothing lost; only the outermost {@code execute} call waits for the whole chain. Thread-safe:
 * each thread has its own pending list.
 */
final class CallerRuns {

	/** Tasks waiting on this thread behind the one being run; present only while a run is in progress. */
	private static final ThreadLocal<ArrayDeque<Runnable>> pending = new ThreadLocal<>();

	private final TaskRunner runner;

	CallerRuns(TaskRunner runner) {
		this.runner = runner;
	}

	/** Runs the task now, or right after the task this thread is running this way. Never throws. */
	void run(Runnable task) {
		ArrayDeque<Runnable> waiting = pending.get();
		if (waiting != null) {
			waiting.add(task);
			return;
		}
		waiting = new ArrayDeque<>();
		pending.set(waiting);
		try {
			Runnable next = task;
			while (next != null) {
				this.runner.runTask(next);
				next = waiting.poll();
			}
		}
		finally {
			pending.remove();
		}
	}

}
