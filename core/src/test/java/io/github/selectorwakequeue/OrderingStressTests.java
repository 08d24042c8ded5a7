package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Test 1: four producers offer 250k tasks each through a queue far smaller than the load. Every task
 * runs exactly once, each producer's tasks run in its order, and all of them run on one thread that is
 * not a producer.
 */
class OrderingStressTests {

	private static final int PRODUCERS = 4;

	private static final int TASKS_PER_PRODUCER = 250_000;

	private SelectorWakeQueue queue;

	@AfterEach
	void close() {
		QueueTestSupport.closeQuietly(this.queue);
	}

	@Test
	void everyTaskRunsOnceInProducerOrderOnTheReactor() {
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			this.queue = SelectorWakeQueue.builder().name("ordering").capacity(4096).build();
			this.queue.start();
			Ledger ledger = new Ledger();
			CountDownLatch go = new CountDownLatch(1);
			AtomicLong fullRetries = new AtomicLong();
			List<Thread> producers = new ArrayList<>();
			for (int p = 0; p < PRODUCERS; p++) {
				int producer = p;
				producers.add(QueueTestSupport.start("producer-" + p, () -> {
					awaitQuietly(go);
					for (int seq = 0; seq < TASKS_PER_PRODUCER; seq++) {
						int s = seq;
						Runnable task = () -> ledger.record(producer, s);
						// offer never blocks; a full queue is the producer's to retry, so nothing runs on it
						while (!this.queue.offer(task)) {
							fullRetries.incrementAndGet();
							Thread.onSpinWait();
						}
					}
				}));
			}
			go.countDown();
			producers.forEach(QueueTestSupport::join);
			QueueTestSupport.awaitDrained(this.queue, Duration.ofSeconds(30));

			// the latch orders the reactor's plain writes in the ledger before these reads
			for (int p = 0; p < PRODUCERS; p++) {
				assertThat(ledger.next[p]).as("tasks run for producer %d", p).isEqualTo(TASKS_PER_PRODUCER);
			}
			assertThat(ledger.outOfOrder).as("tasks run out of order or twice").isZero();
			assertThat(ledger.otherThread).as("tasks run on a thread other than the first").isZero();
			assertThat(ledger.runner).isNotNull().isNotIn(producers).isNotSameAs(Thread.currentThread());
			assertThat(ledger.runner).isSameAs(this.queue.reactorThread().orElseThrow());
			Stats stats = this.queue.stats();
			// dispatched counts a task once it returns: the marker's own count may land just after it fired
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.queue.stats().dispatched())
				.isEqualTo(PRODUCERS * (long) TASKS_PER_PRODUCER + 1));
			assertThat(stats.callerRuns()).isZero();
			assertThat(fullRetries.get()).as("the load overflowed the queue at least once").isPositive();
		});
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Written only by the thread running the tasks: plain fields are enough. */
	private static final class Ledger {

		final int[] next = new int[PRODUCERS];

		long outOfOrder;

		long otherThread;

		Thread runner;

		void record(int producer, int seq) {
			Thread current = Thread.currentThread();
			if (this.runner == null) {
				this.runner = current;
			}
			else if (this.runner != current) {
				this.otherThread++;
			}
			if (this.next[producer] != seq) {
				this.outOfOrder++;
			}
			this.next[producer] = seq + 1;
		}

	}

}
