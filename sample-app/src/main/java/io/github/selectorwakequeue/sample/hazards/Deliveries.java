package io.github.selectorwakequeue.sample.hazards;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import io.github.selectorwakequeue.SelectorWakeQueue;

/**
 * Counts what a hazard demo published and what its listener got, and on which threads. Its recording
 * methods never wait for another thread, because they are called from the very places the demos are
 * about: {@code Cleaner} and signal-handler threads, interrupted threads, the reactor itself. Counters
 * are {@link LongAdder}s; a thread name already seen costs one lock-free read of a concurrent set.
 */
final class Deliveries {

	private final SelectorWakeQueue queue;

	private final LongAdder published = new LongAdder();

	private final LongAdder delivered = new LongAdder();

	private final LongAdder onReactor = new LongAdder();

	private final Set<String> publishedOn = ConcurrentHashMap.newKeySet();

	private final Set<String> deliveredOn = ConcurrentHashMap.newKeySet();

	Deliveries(SelectorWakeQueue queue) {
		this.queue = queue;
	}

	/** Records one publication by the current thread; call it just before {@code publishEvent}. */
	void recordPublished() {
		remember(this.publishedOn);
		this.published.increment();
	}

	/** Records one delivery to a listener on the current thread. */
	void recordDelivered() {
		remember(this.deliveredOn);
		if (this.queue.isReactorThread()) {
			this.onReactor.increment();
		}
		this.delivered.increment();
	}

	private static void remember(Set<String> threadNames) {
		String name = Thread.currentThread().getName();
		if (!threadNames.contains(name)) {
			threadNames.add(name);
		}
	}

	long publishedCount() {
		return this.published.sum();
	}

	long deliveredCount() {
		return this.delivered.sum();
	}

	/**
	 * Waits until at least {@code expected} events were delivered, at most {@code timeout}.
	 * @param expected how many deliveries to wait for
	 * @param timeout the longest wait
	 * @return whether they all arrived in time
	 */
	boolean awaitDelivered(long expected, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (deliveredCount() < expected) {
			if (System.nanoTime() - deadline >= 0 || Thread.currentThread().isInterrupted()) {
				return false;
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
		}
		return true;
	}

	/**
	 * Builds the demo's answer.
	 * @param hazard the demo's name
	 * @param startNanos when the demo started, from {@link System#nanoTime()}
	 * @param details what else the demo wants to say
	 * @return the report
	 */
	HazardReport report(String hazard, long startNanos, Map<String, Object> details) {
		long published = publishedCount();
		long delivered = deliveredCount();
		return new HazardReport(hazard, published, delivered, published == delivered, this.onReactor.sum(),
				Set.copyOf(this.publishedOn), Set.copyOf(this.deliveredOn),
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), details);
	}

}
