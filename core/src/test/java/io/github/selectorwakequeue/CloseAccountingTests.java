package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * After close, every task the queue accepted is accounted for once: {@code enqueued == dispatched + size + tasksLost
 * + callerRuns + the tasks close returned from the ring}, including a fan-out the reactor had begun to dispatch and
 * whose rest close returned (found by {@link FaultInjectionTests}).
 */
class CloseAccountingTests {

	private SelectorWakeQueue queue;

	private final CountDownLatch hold = new CountDownLatch(1);

	@AfterEach
	void close() {
		this.hold.countDown();
		QueueTestSupport.closeQuietly(this.queue);
	}

	@Test
	void aFanOutWhoseRestCloseReturnedIsCountedOnce() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			this.queue = SelectorWakeQueue.builder().name("rest-returned")
				.laneThresholds(Duration.ofNanos(50_000), Duration.ofSeconds(10), 1, 1)
				.build();
			this.queue.start();
			Lane slow = this.queue.lane("slow");
			for (int i = 0; i < 5; i++) {
				this.queue.execute(QueueTestSupport.onePart(slow,
						() -> LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200)))); // the lane moves to a worker
			}
			assertThat(this.queue.awaitQuiescence(Duration.ofSeconds(10))).isTrue();
			CountDownLatch entered = new CountDownLatch(1);
			this.queue.execute(QueueTestSupport.onePart(slow, () -> {
				entered.countDown();
				QueueTestSupport.awaitQuietly(this.hold); // holds the lane's worker
			}));
			assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(this.queue.isReactorThread()).isFalse();
			this.queue.execute(QueueTestSupport.onePart(slow, () -> { })); // fills the lane's backlog (1)
			this.queue.execute(QueueTestSupport.onePart(slow, () -> { })); // waits for room: the rest of a fan-out
			await().atMost(Duration.ofSeconds(10)).until(() -> this.queue.stats().size() == 0);
			List<Runnable> notRun = this.queue.close(Duration.ZERO);
			long fromRing = notRun.stream().filter((task) -> !(task instanceof LanePart)).count();
			assertThat(notRun).as("returned by close").hasSize(2);
			Stats stats = this.queue.stats();
			assertThat(stats.enqueued()).as("enqueued, against %s", stats)
				.isEqualTo(stats.dispatched() + stats.size() + stats.tasksLost() + stats.callerRuns() + fromRing);
		});
	}

}
