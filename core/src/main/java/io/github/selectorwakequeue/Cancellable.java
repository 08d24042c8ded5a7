package io.github.selectorwakequeue;

/**
 * A handle on a task scheduled with {@link SelectorWakeQueue#schedule(java.time.Duration, Runnable)}.
 * Thread-safe; {@link #cancel()} never blocks.
 */
@FunctionalInterface
public interface Cancellable {

	/**
	 * Prevents the task from running if it has not started yet. Lock-free, callable from any thread.
	 * @return {@code true} if this call cancelled the task; {@code false} if it had already run, started,
	 * been cancelled, or been dropped because the queue closed
	 */
	boolean cancel();

}
