package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Test 3: 64 threads with their interrupt flag set each {@code execute} 1,000 tasks. Every task runs,
 * no producer sees an exception, and every producer's interrupt flag is still set afterwards (the queue
 * neither clears nor consumes it).
 */
class InterruptedProducerTests {

	private static final int PRODUCERS = 64;

	private static final int TASKS_PER_PRODUCER = 1_000;

	private SelectorWakeQueue queue;

	@AfterEach
	void close() {
		QueueTestSupport.closeQuietly(this.queue);
	}

	@Test
	void interruptedProducersLoseNothingAndKeepTheirFlag() {
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			this.queue = SelectorWakeQueue.builder().name("interrupted").overflowPolicy(OverflowPolicy.REJECT).build();
			this.queue.start();
			AtomicInteger ran = new AtomicInteger();
			AtomicInteger flagsKept = new AtomicInteger();
			ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
			CountDownLatch go = new CountDownLatch(1);
			List<Thread> producers = new ArrayList<>();
			for (int p = 0; p < PRODUCERS; p++) {
				producers.add(QueueTestSupport.start("interrupted-producer-" + p, () -> {
					try {
						go.await();
					}
					catch (InterruptedException ex) {
						errors.add(ex);
						return;
					}
					Thread.currentThread().interrupt();
					try {
						for (int i = 0; i < TASKS_PER_PRODUCER; i++) {
							this.queue.execute(ran::incrementAndGet);
						}
					}
					catch (Throwable ex) {
						errors.add(ex);
					}
					if (Thread.currentThread().isInterrupted()) {
						flagsKept.incrementAndGet();
					}
				}));
			}
			go.countDown();
			producers.forEach(QueueTestSupport::join);
			QueueTestSupport.awaitDrained(this.queue, Duration.ofSeconds(30));

			assertThat(errors).isEmpty();
			assertThat(flagsKept.get()).isEqualTo(PRODUCERS);
			assertThat(ran.get()).isEqualTo(PRODUCERS * TASKS_PER_PRODUCER);
			assertThat(this.queue.stats().rejected()).isZero();
		});
	}

}
