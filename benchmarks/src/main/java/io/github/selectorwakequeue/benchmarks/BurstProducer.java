package io.github.selectorwakequeue.benchmarks;

import java.util.concurrent.locks.LockSupport;

import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * One producer thread of an end-to-end throughput benchmark: it submits a burst of {@link #BURST} tasks,
 * then parks until the consumer has run the last of them. The task is one reused object (no allocation
 * of ours in the measurement) that counts down on the consumer thread and unparks the producer once
 * per burst, so waiting costs the consumer one unpark per 10,000 tasks.
 */
@State(Scope.Thread)
public class BurstProducer {

	/** Tasks per burst. */
	public static final int BURST = 10_000;

	private final Thread owner = Thread.currentThread();

	/** Consumer-side countdown to the end of the burst: only ever touched by the one consumer thread. */
	private int remaining = BURST;

	/** Bursts the consumer has finished; written by the consumer, read by the producer. */
	private volatile long finished;

	private long submitted;

	private final Runnable task = this::ran;

	private void ran() {
		if (--this.remaining == 0) {
			this.remaining = BURST;
			this.finished = this.finished + 1; // single writer: the consumer
			LockSupport.unpark(this.owner);
		}
	}

	/**
	 * Submits one burst through {@code harness} and waits until all of it has run.
	 * @param harness the executor under test
	 */
	public void burst(Harness harness) {
		for (int i = 0; i < BURST; i++) {
			harness.execute(this.task);
		}
		long goal = ++this.submitted;
		while (this.finished < goal) {
			LockSupport.park(this);
		}
	}

}
