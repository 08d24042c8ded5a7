package io.github.selectorwakequeue.benchmarks;

/**
 * One single-consumer executor under test: a producer side callable from any thread and one consumer
 * thread that runs the tasks in order. Each implementation is one way of waking that consumer, so a
 * benchmark can run them side by side through a {@code @Param} naming the {@link Alternative}.
 */
interface Harness extends AutoCloseable {

	/** Starts the consumer thread. Called once, before any task is submitted. */
	void start();

	/**
	 * Hands a task over the way a user of this alternative would: ours applies its overflow policy, the
	 * blocking queues block while full, the spinning alternatives spin until there is room.
	 * @param task the task
	 */
	void execute(Runnable task);

	/**
	 * Hands a task over only if there is room, without blocking.
	 * @param task the task
	 * @return whether it was accepted
	 */
	boolean offer(Runnable task);

	/**
	 * Consumer wake-ups issued so far, for the alternatives that count them (the ones that coalesce
	 * wake-ups behind a sleep flag); {@code -1} for the others.
	 * @return the count, or -1
	 */
	default long wakeups() {
		return -1;
	}

	/** Stops the consumer; tasks still queued may be dropped. */
	@Override
	void close();

}
