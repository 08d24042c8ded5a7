package io.github.selectorwakequeue.spring.metrics;

import io.github.selectorwakequeue.TaskTimings;

/**
 * The {@link TaskTimings} the queue bean is built with. The queue is created early in the context
 * refresh, before any meter registry exists, so it reports to this relay, which drops samples until
 * metrics attach a receiver with {@link #attach(TaskTimings)}. Called on the reactor thread; never blocks.
 */
public final class TaskTimingsRelay implements TaskTimings {

	private volatile TaskTimings receiver;

	/**
	 * Sets where samples go from now on.
	 * @param receiver the receiver, or {@code null} to drop samples again
	 */
	public void attach(TaskTimings receiver) {
		this.receiver = receiver;
	}

	@Override
	public void record(long waitNanos, long runNanos) {
		TaskTimings current = this.receiver;
		if (current != null) {
			current.record(waitNanos, runNanos);
		}
	}

}
