package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A call out of the queue on its own control path (here the clock, read around every timed part) can fail on the
 * reactor, on a lane worker, or on a thread that was handed off with a stuck part. Whatever thread it hits, the work
 * that thread had in hand is not lost, its lane is not left busy or stuck, and {@code awaitQuiescence} still returns
 * (found by {@link FaultInjectionTests}).
 */
class ControlPathFailureTests {

	private SelectorWakeQueue queue;

	@AfterEach
	void close() {
		if (this.queue != null) {
			this.queue.close(Duration.ofMillis(100)); // a lane left busy would hold a longer close for all of it
		}
	}

	@Test
	void aClockFailingOnTheReactorRightAfterAPartRanLosesNoOtherPartOfItsFanOut() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			FailingClock clock = new FailingClock();
			this.queue = started(SelectorWakeQueue.builder().name("reactor-clock-fails").nanoClock(clock));
			AtomicIntegerArray ran = new AtomicIntegerArray(3);
			this.queue.execute(QueueTestSupport.fanOut((index) -> {
				ran.incrementAndGet(index);
				if (index == 0 && this.queue.isReactorThread()) {
					clock.failNextReadOnThisThread(); // the reactor's read that times this part
				}
			}, this.queue.lane("a"), this.queue.lane("b"), this.queue.lane("c")));
			assertThat(this.queue.awaitQuiescence(Duration.ofSeconds(2))).as("quiescent").isTrue();
			assertThat(ran.toString()).as("runs of parts 0, 1, 2").isEqualTo("[1, 1, 1]");
			Stats stats = this.queue.stats();
			assertThat(stats.dispatched()).isEqualTo(stats.enqueued());
		});
	}

	@Test
	void aClockFailingOnALaneWorkerLeavesItsLaneFreeAndLosesNoPart() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			FailingClock clock = new FailingClock();
			this.queue = started(SelectorWakeQueue.builder().name("worker-clock-fails").nanoClock(clock)
				.laneThresholds(Duration.ofNanos(50_000), Duration.ofSeconds(10), 2, 10_000));
			Lane slow = this.queue.lane("slow");
			AtomicInteger ran = new AtomicInteger();
			AtomicBoolean failed = new AtomicBoolean();
			for (int i = 0; i < 20; i++) {
				this.queue.execute(QueueTestSupport.onePart(slow, () -> {
					LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200)); // slow: the lane moves to a worker
					ran.incrementAndGet();
					if (!this.queue.isReactorThread() && failed.compareAndSet(false, true)) {
						clock.failNextReadOnThisThread(); // the worker's read that times this part
					}
				}));
			}
			assertThat(this.queue.awaitQuiescence(Duration.ofSeconds(2))).as("quiescent").isTrue();
			assertThat(failed).as("a part ran on a worker").isTrue();
			assertThat(ran).hasValue(20);
			assertThat(slow.workerActive.get()).as("a worker still flagged on the lane").isFalse();
			assertThat(slow.stats().runningThread()).isNull();
		});
	}

	@Test
	void aClockFailingOnTheHandedOffThreadLeavesItsLaneFreeAndLosesNoPart() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			FailingClock clock = new FailingClock();
			this.queue = started(SelectorWakeQueue.builder().name("handed-off-clock-fails").nanoClock(clock)
				.laneThresholds(Duration.ofMillis(1), Duration.ofMillis(30), 4, 10_000));
			Lane stuck = this.queue.lane("stuck");
			CountDownLatch entered = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			this.queue.execute(QueueTestSupport.onePart(stuck, () -> {
				entered.countDown();
				QueueTestSupport.awaitQuietly(release);
				clock.failNextReadOnThisThread(); // the handed-off thread's read when it takes its lane back (S3)
			}));
			assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
			await().atMost(Duration.ofSeconds(10)).until(() -> this.queue.stats().reactorHandOffs() == 1);
			AtomicInteger later = new AtomicInteger();
			for (int i = 0; i < 3; i++) {
				this.queue.execute(QueueTestSupport.onePart(stuck, later::incrementAndGet));
			}
			release.countDown();
			assertThat(this.queue.awaitQuiescence(Duration.ofSeconds(2))).as("quiescent").isTrue();
			assertThat(later).as("the lane's later parts").hasValue(3);
			assertThat(stuck.stats().mode()).isNotEqualTo(Lane.Mode.STUCK);
		});
	}

	private static SelectorWakeQueue started(SelectorWakeQueue.Builder builder) {
		SelectorWakeQueue started = builder.build();
		started.start();
		return started;
	}

}
