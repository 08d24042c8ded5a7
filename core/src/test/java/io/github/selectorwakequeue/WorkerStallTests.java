package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Lanes on workers: a listener that hangs on a worker delays only its own lane, even when it holds the last worker
 * (the stuck worker is compensated, as {@code ForkJoinPool} compensates a blocked thread); and a lane with a backlog
 * keeps one worker thread instead of hopping between threads.
 */
class WorkerStallTests {

	private SelectorWakeQueue queue;

	@AfterEach
	void close() {
		QueueTestSupport.closeQuietly(this.queue);
	}

	@Test
	void aListenerHangingOnTheOnlyWorkerDelaysOnlyItsOwnLane() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			this.queue = SelectorWakeQueue.builder().name("hung-worker")
				.laneThresholds(Duration.ofNanos(50_000), Duration.ofMillis(50), 1, 10_000)
				.build();
			this.queue.start();
			Lane hanging = this.queue.lane("hanging");
			Lane other = this.queue.lane("other");
			CountDownLatch hung = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			AtomicInteger otherReceived = new AtomicInteger();
			for (int i = 0; i < 40; i++) {
				int number = i;
				this.queue.execute(QueueTestSupport.fanOut((index) -> {
					LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(300)); // both slow: both on workers
					if (index == 1) {
						otherReceived.incrementAndGet();
					}
					else if (number == 5 && !this.queue.isReactorThread()) {
						hung.countDown();
						QueueTestSupport.awaitQuietly(release);
					}
				}, hanging, other));
			}
			try {
				assertThat(hung.await(10, TimeUnit.SECONDS)).as("the hanging listener hangs on a worker").isTrue();
				await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(otherReceived).hasValue(40));
				assertThat(hanging.stats().mode()).isEqualTo(Lane.Mode.STUCK);
			}
			finally {
				release.countDown();
			}
			assertThat(this.queue.awaitQuiescence(Duration.ofSeconds(10))).isTrue();
			assertThat(hanging.stats().delivered()).isEqualTo(40);
		});
	}

	@Test
	void aLaneWithABacklogRunsOnOneWorkerThread() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			this.queue = SelectorWakeQueue.builder().name("one-worker-thread")
				.laneThresholds(Duration.ofNanos(50_000), Duration.ofSeconds(10), 16, 10_000)
				.build();
			this.queue.start();
			Lane slow = this.queue.lane("slow");
			Set<String> workerThreads = ConcurrentHashMap.newKeySet();
			CountDownLatch gate = new CountDownLatch(1);
			for (int i = 0; i < 500; i++) {
				int number = i;
				this.queue.execute(QueueTestSupport.onePart(slow, () -> {
					if (number == 10) {
						QueueTestSupport.awaitQuietly(gate); // on a worker by now; lets the backlog build up
					}
					LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
					if (!this.queue.isReactorThread()) {
						workerThreads.add(Thread.currentThread().getName());
					}
				}));
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> slow.stats().depth() >= 400);
			gate.countDown();
			assertThat(this.queue.awaitQuiescence(Duration.ofSeconds(20))).isTrue();
			assertThat(workerThreads).as("threads that ran the lane's backlog").hasSize(1);
		});
	}

}
