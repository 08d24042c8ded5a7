package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Test 5: producers submit while holding a monitor that the task itself needs. With a blocking queue
 * this is the classic lock-order deadlock (the reactor waits for the monitor, the producer waits for
 * space). Here producers never wait: a full queue runs the task in the caller, which already holds the
 * (reentrant) monitor, so every task runs and nobody hangs.
 */
class LockHoldingProducerTests {

	private static final int PRODUCERS = 4;

	private static final int TASKS_PER_PRODUCER = 20_000;

	private final Object lock = new Object();

	/** Guarded by {@link #lock}. */
	private long ran;

	private SelectorWakeQueue queue;

	@AfterEach
	void close() {
		QueueTestSupport.closeQuietly(this.queue);
	}

	@Test
	void producersHoldingTheTasksMonitorDoNotDeadlock() {
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			// small, so that producers holding the monitor regularly find it full while the reactor waits for it
			this.queue = SelectorWakeQueue.builder().name("lock-holding").capacity(8).build();
			this.queue.start();
			CountDownLatch go = new CountDownLatch(1);
			List<Thread> producers = new ArrayList<>();
			for (int p = 0; p < PRODUCERS; p++) {
				producers.add(QueueTestSupport.start("lock-holder-" + p, () -> {
					try {
						go.await();
					}
					catch (InterruptedException ex) {
						throw new IllegalStateException(ex);
					}
					for (int i = 0; i < TASKS_PER_PRODUCER; i++) {
						synchronized (this.lock) {
							this.queue.execute(() -> {
								synchronized (this.lock) {
									this.ran++;
								}
							});
						}
					}
				}));
			}
			go.countDown();
			producers.forEach(QueueTestSupport::join);
			QueueTestSupport.awaitDrained(this.queue, Duration.ofSeconds(30));

			synchronized (this.lock) {
				assertThat(this.ran).isEqualTo(PRODUCERS * (long) TASKS_PER_PRODUCER);
			}
			Stats stats = this.queue.stats();
			assertThat(stats.callerRuns()).as("the queue was full under a held monitor at least once").isPositive();
			assertThat(stats.failed()).isZero();
		});
	}

}
