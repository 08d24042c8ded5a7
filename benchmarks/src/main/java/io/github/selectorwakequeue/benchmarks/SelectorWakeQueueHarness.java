package io.github.selectorwakequeue.benchmarks;

import java.time.Duration;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.Stats;

/** Ours, as a user builds it: default policy ({@code CALLER_RUNS}), only the capacity set. */
final class SelectorWakeQueueHarness implements Harness {

	private final SelectorWakeQueue queue;

	SelectorWakeQueueHarness(int capacity) {
		this(SelectorWakeQueue.builder().name("bench-swq").capacity(capacity).build());
	}

	SelectorWakeQueueHarness(SelectorWakeQueue queue) {
		this.queue = queue;
	}

	SelectorWakeQueue queue() {
		return this.queue;
	}

	@Override
	public void start() {
		this.queue.start();
	}

	@Override
	public void execute(Runnable task) {
		this.queue.execute(task);
	}

	@Override
	public boolean offer(Runnable task) {
		return this.queue.offer(task);
	}

	@Override
	public long wakeups() {
		return this.queue.stats().wakeups();
	}

	/** Closes the queue and prints its counters into the JMH log (a non-zero {@code callerRuns} means it was full). */
	@Override
	public void close() {
		Stats stats = this.queue.stats();
		System.out.printf("%n[%s] enqueued=%d callerRuns=%d wakeups=%d (%.2e per task)%n", stats.name(), stats.enqueued(),
				stats.callerRuns(), stats.wakeups(), stats.wakeups() / (double) Math.max(1, stats.enqueued()));
		this.queue.close(Duration.ofSeconds(5));
	}

}
