package io.github.selectorwakequeue.sample.burst;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.github.selectorwakequeue.SelectorWakeQueue;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The listener of {@link BurstEvent}s: counts, per burst, what was delivered and where. It runs on the
 * reactor thread; when the queue is full, the {@code caller-runs} policy delivers on the publisher's
 * thread instead, so the counters are thread-safe.
 */
@Component
public class BurstTally {

	private final AtomicLong ids = new AtomicLong();

	private final Map<Long, Burst> bursts = new ConcurrentHashMap<>();

	private final SelectorWakeQueue queue;

	BurstTally(SelectorWakeQueue queue) {
		this.queue = queue;
	}

	/**
	 * Starts counting a new burst.
	 * @param expected how many events will be published
	 * @return the burst's counters
	 */
	public Burst open(int expected) {
		Burst burst = new Burst(this.ids.incrementAndGet(), expected);
		this.bursts.put(burst.id, burst);
		return burst;
	}

	/**
	 * Stops counting a burst (events of it that still arrive are ignored).
	 * @param burst the burst
	 */
	public void close(Burst burst) {
		this.bursts.remove(burst.id);
	}

	@EventListener
	void onBurstEvent(BurstEvent event) {
		Burst burst = this.bursts.get(event.burst());
		if (burst != null) {
			burst.delivered(this.queue.isReactorThread());
		}
	}

	/** The counters of one burst. */
	public static final class Burst {

		private final long id;

		private final CountDownLatch remaining;

		private final LongAdder onReactor = new LongAdder();

		private final LongAdder onPublishers = new LongAdder();

		Burst(long id, int expected) {
			this.id = id;
			this.remaining = new CountDownLatch(expected);
		}

		/** @return the burst's id, to put in its events */
		public long id() {
			return this.id;
		}

		void delivered(boolean reactor) {
			(reactor ? this.onReactor : this.onPublishers).increment();
			this.remaining.countDown();
		}

		/**
		 * Waits until every expected event was delivered, at most {@code timeout}.
		 * @param timeout the longest wait
		 * @return whether all were delivered
		 */
		public boolean awaitAll(Duration timeout) throws InterruptedException {
			return this.remaining.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}

		/** @return events delivered on the reactor thread */
		public long deliveredOnReactor() {
			return this.onReactor.sum();
		}

		/** @return events delivered on a publisher's thread (queue full: caller-runs) */
		public long deliveredOnPublishers() {
			return this.onPublishers.sum();
		}

		/** @return events delivered so far */
		public long delivered() {
			return deliveredOnReactor() + deliveredOnPublishers();
		}

	}

}
