package io.github.selectorwakequeue;

/**
 * Receives the wait and run times of a sample of tasks, for metrics. Install it with
 * {@link SelectorWakeQueue.Builder#taskTimings(TaskTimings, int)}.
 *
 * <p>Sampling costs the producer one {@link java.util.concurrent.ThreadLocalRandom} draw per task and,
 * for sampled tasks only, one {@link System#nanoTime()} and a small wrapper object; the reactor reads
 * the clock twice per sampled task. Called on the reactor thread: it must be fast and must not block.
 * Anything it throws is logged and ignored.
 */
@FunctionalInterface
public interface TaskTimings {

	/**
	 * Records one sampled task.
	 * @param waitNanos time from enqueue to the start of its run
	 * @param runNanos how long it ran
	 */
	void record(long waitNanos, long runNanos);

}
