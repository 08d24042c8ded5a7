package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * An interrupt one task leaves set on the queue's thread does not reach the next: every task, timer and lane part
 * starts with the interrupt flag clear, on the reactor and on lane workers, as {@code ThreadPoolExecutor} does.
 */
class InterruptIsolationTests {

	private SelectorWakeQueue queue;

	@AfterEach
	void close() {
		QueueTestSupport.closeQuietly(this.queue);
	}

	@Test
	void aTaskThatLeavesItsThreadInterruptedDoesNotInterruptTheNextTaskOnTheReactor() {
		assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
			this.queue = SelectorWakeQueue.builder().name("interrupt-tasks").build();
			this.queue.start();
			List<Boolean> seen = new CopyOnWriteArrayList<>();
			for (int i = 0; i < 100; i++) {
				this.queue.execute(() -> Thread.currentThread().interrupt());
				this.queue.execute(() -> seen.add(Thread.currentThread().isInterrupted()));
			}
			this.queue.schedule(Duration.ZERO, () -> Thread.currentThread().interrupt());
			this.queue.schedule(Duration.ofMillis(1), () -> seen.add(Thread.currentThread().isInterrupted()));
			assertThat(this.queue.awaitQuiescence(Duration.ofSeconds(10))).isTrue();
			org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 101);
			assertThat(seen).containsOnly(false);
		});
	}

	@Test
	void aListenerThatRestoresAnInterruptDoesNotInterruptTheNextListenerInlineOrOnAWorker() {
		assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
			this.queue = SelectorWakeQueue.builder().name("interrupt-parts")
				.laneThresholds(Duration.ofNanos(50_000), Duration.ofSeconds(10), 4, 10_000)
				.build();
			this.queue.start();
			Lane quickA = this.queue.lane("quick-a");
			Lane quickB = this.queue.lane("quick-b");
			Lane slow = this.queue.lane("slow");
			List<Boolean> quickSeen = new CopyOnWriteArrayList<>();
			List<Boolean> slowSeen = new CopyOnWriteArrayList<>();
			for (int i = 0; i < 200; i++) {
				this.queue.execute(QueueTestSupport.fanOut((index) -> {
					if (index == 0) {
						Thread.currentThread().interrupt(); // "restores" an interrupt it swallowed
					}
					else if (index == 1) {
						quickSeen.add(Thread.currentThread().isInterrupted());
					}
					else {
						slowSeen.add(Thread.currentThread().isInterrupted());
						LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
						Thread.currentThread().interrupt();
					}
				}, quickA, quickB, slow));
			}
			assertThat(this.queue.awaitQuiescence(Duration.ofSeconds(10))).isTrue();
			assertThat(quickSeen).hasSize(200).containsOnly(false);
			assertThat(slowSeen).hasSize(200).containsOnly(false);
		});
	}

}
