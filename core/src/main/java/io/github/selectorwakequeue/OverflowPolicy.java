package io.github.selectorwakequeue;

/**
 * What {@link SelectorWakeQueue#execute(Runnable)} does with a task the queue cannot accept, because
 * it is full or because it is closed. No policy ever blocks the caller.
 *
 * <p>On the reactor thread itself a full queue is never waited on and never refused: the task runs
 * inline, whatever the policy says, and is counted as {@code callerRuns} (waiting for space that only
 * the reactor can make would deadlock; this is Log4j2's rule for its async appender).
 *
 * <p>Tasks run on the submitting thread (by {@link #CALLER_RUNS}, or inline on the reactor) never nest: a task
 * submitted the same way from inside such a run, while the queue is still full, runs right after it on the same
 * thread, before the outermost {@code execute} returns. A chain of them runs at constant stack depth, in order.
 */
public enum OverflowPolicy {

	/**
	 * Throw {@link java.util.concurrent.RejectedExecutionException}, naming the queue and whether it is
	 * full or closed. Counted as {@code rejected}.
	 */
	REJECT,

	/**
	 * Run the task on the calling thread, before {@code execute} returns. Exceptions it throws go to the
	 * queue's error handler, not to the caller. Counted as {@code callerRuns}. The default.
	 */
	CALLER_RUNS,

	/**
	 * Drop the task silently and count it as {@code discarded}.
	 */
	DISCARD

}
