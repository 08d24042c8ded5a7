package io.github.selectorwakequeue;

/**
 * Receives every {@link Throwable} thrown by a task the queue ran, with the task that threw it.
 *
 * <p>Called on the thread that ran the task: the reactor thread, or a caller thread for tasks run under
 * {@link OverflowPolicy#CALLER_RUNS}. It must not block: on the reactor, every task behind it waits.
 * Anything it throws is logged through {@link System.Logger} and otherwise ignored.
 */
@FunctionalInterface
public interface TaskErrorHandler {

	/**
	 * Handles a task failure.
	 * @param task the task as it was submitted
	 * @param error what it threw
	 */
	void handle(Runnable task, Throwable error);

}
