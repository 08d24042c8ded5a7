package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@link SelectorWakeQueue#awaitQuiescence(Duration)}: it returns once everything accepted before it, every lane's
 * parts of it and the work those queued in turn have run; it never returns early; it refuses to wait on the queue's
 * own threads.
 */
class QuiescenceTests {

	private SelectorWakeQueue queue;

	@AfterEach
	void close() {
		QueueTestSupport.closeQuietly(this.queue);
	}

	@Test
	void anIdleQueueIsQuiescentAtOnce() {
		assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
			this.queue = SelectorWakeQueue.builder().name("idle").build();
			this.queue.start();
			assertThat(this.queue.awaitQuiescence(Duration.ZERO)).isTrue();
			assertThat(this.queue.awaitQuiescence(Duration.ofSeconds(1))).isTrue();
		});
	}

	@Test
	void everyTaskOfABurstFromFourProducersHasRunWhenItReturns() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			this.queue = SelectorWakeQueue.builder().name("burst").capacity(1024).build();
			this.queue.start();
			AtomicInteger ran = new AtomicInteger();
			List<Thread> producers = new ArrayList<>();
			for (int p = 0; p < 4; p++) {
				producers.add(QueueTestSupport.start("producer-" + p, () -> {
					for (int i = 0; i < 25_000; i++) {
						this.queue.execute(() -> {
							ran.incrementAndGet();
							LockSupport.parkNanos(100); // a little work, so that the ring fills
						});
					}
				}));
			}
			producers.forEach(QueueTestSupport::join);
			assertThat(this.queue.awaitQuiescence(Duration.ofSeconds(20))).isTrue();
			assertThat(ran).hasValue(100_000);
		});
	}

	@Test
	void itWaitsForWhatWasAcceptedBeforeItWhileOtherProducersGoOn() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			this.queue = SelectorWakeQueue.builder().name("concurrent").capacity(256).build();
			this.queue.start();
			AtomicInteger ran = new AtomicInteger();
			java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
			List<Thread> producers = new ArrayList<>();
			for (int p = 0; p < 3; p++) {
				producers.add(QueueTestSupport.start("endless-" + p, () -> {
					while (!stop.get()) {
						this.queue.offer(() -> LockSupport.parkNanos(1_000));
					}
				}));
			}
			try {
				for (int round = 0; round < 50; round++) {
					int before = ran.get();
					for (int i = 0; i < 100; i++) {
						this.queue.execute(ran::incrementAndGet);
					}
					assertThat(this.queue.awaitQuiescence(Duration.ofSeconds(10)))
						.as("quiescent with producers that never stop").isTrue();
					assertThat(ran.get()).as("round " + round).isEqualTo(before + 100);
				}
			}
			finally {
				stop.set(true);
				producers.forEach(QueueTestSupport::join);
			}
		});
	}

	@Test
	void workQueuedByTheWorkItWaitsForIsWaitedForThreeLevelsDeep() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			this.queue = SelectorWakeQueue.builder().name("chain").build();
			this.queue.start();
			Lane listener = this.queue.lane("listener");
			AtomicInteger deepest = new AtomicInteger();
			for (int round = 0; round < 200; round++) {
				deepest.set(0);
				this.queue.execute(new Republishing(listener, 1, deepest));
				assertThat(this.queue.awaitQuiescence(Duration.ofSeconds(10))).isTrue();
				assertThat(deepest).as("round " + round).hasValue(3);
			}
		});
	}

	@Test
	void aSlowLaneOnAWorkerIsWaitedFor() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			this.queue = SelectorWakeQueue.builder().name("slow-lane")
				.laneThresholds(Duration.ofNanos(50_000), Duration.ofSeconds(10), 4, 10_000)
				.build();
			this.queue.start();
			Lane slow = this.queue.lane("slow");
			AtomicInteger done = new AtomicInteger();
			for (int i = 0; i < 200; i++) {
				this.queue.execute(QueueTestSupport.onePart(slow, () -> {
					LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(500));
					done.incrementAndGet();
				}));
			}
			assertThat(this.queue.awaitQuiescence(Duration.ofSeconds(20))).isTrue();
			assertThat(done).hasValue(200);
			assertThat(slow.stats().delivered()).isEqualTo(200);
		});
	}

	@Test
	void aStuckListenerMakesItReturnFalseAtTheTimeout() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			this.queue = SelectorWakeQueue.builder().name("stuck")
				.laneThresholds(Duration.ofMillis(1), Duration.ofMillis(50), 4, 10_000)
				.build();
			this.queue.start();
			CountDownLatch release = new CountDownLatch(1);
			QueueTestSupport.holdLane(this.queue, this.queue.lane("stuck"), release);
			long start = System.nanoTime();
			assertThat(this.queue.awaitQuiescence(Duration.ofMillis(300))).isFalse();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
			release.countDown();
			assertThat(this.queue.awaitQuiescence(Duration.ofSeconds(10))).isTrue();
		});
	}

	@Test
	void calledOnTheReactorOrALaneWorkerItRefusesWithAClearError() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			this.queue = SelectorWakeQueue.builder().name("own-thread")
				.laneThresholds(Duration.ofNanos(1), Duration.ofSeconds(10), 4, 10_000)
				.build();
			this.queue.start();
			AtomicReference<Throwable> onReactor = new AtomicReference<>();
			CountDownLatch ran = new CountDownLatch(1);
			this.queue.execute(() -> {
				try {
					this.queue.awaitQuiescence(Duration.ofSeconds(1));
				}
				catch (Throwable ex) {
					onReactor.set(ex);
				}
				ran.countDown();
			});
			assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(onReactor.get()).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("own-thread").hasMessageContaining("wait for itself");

			// a lane whose every part is slow moves to a worker after a few parts
			Lane lane = this.queue.lane("worker");
			AtomicReference<Throwable> onWorker = new AtomicReference<>();
			AtomicReference<String> workerName = new AtomicReference<>();
			for (int i = 0; i < 10; i++) {
				this.queue.execute(QueueTestSupport.onePart(lane, () -> {
					LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
					if (!this.queue.isReactorThread() && onWorker.get() == null) {
						workerName.set(Thread.currentThread().getName());
						try {
							this.queue.awaitQuiescence(Duration.ofSeconds(1));
						}
						catch (Throwable ex) {
							onWorker.set(ex);
						}
					}
				}));
			}
			assertThat(this.queue.awaitQuiescence(Duration.ofSeconds(10))).isTrue();
			assertThat(workerName.get()).contains("lane-worker");
			assertThat(onWorker.get()).isInstanceOf(IllegalStateException.class);
		});
	}

	@Test
	void aClosedQueueIsQuiescentAtOnce() {
		assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
			this.queue = SelectorWakeQueue.builder().name("closed").build();
			this.queue.start();
			AtomicInteger ran = new AtomicInteger();
			for (int i = 0; i < 1000; i++) {
				this.queue.execute(ran::incrementAndGet);
			}
			this.queue.close(Duration.ofSeconds(5));
			assertThat(ran).hasValue(1000);
			assertThat(this.queue.awaitQuiescence(Duration.ofSeconds(1))).isTrue();
		});
	}

	@Test
	void aNegativeTimeoutIsRefusedNamingIt() {
		this.queue = SelectorWakeQueue.builder().name("bad-timeout").build();
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> this.queue.awaitQuiescence(Duration.ofSeconds(-1)))
			.withMessageContaining("timeout").withMessageContaining("PT-1S");
	}

	/** An event whose listener re-publishes the next level, down to level 3. */
	final class Republishing implements FanOut {

		private final Lane lane;

		private final int level;

		private final AtomicInteger deepest;

		Republishing(Lane lane, int level, AtomicInteger deepest) {
			this.lane = lane;
			this.level = level;
			this.deepest = deepest;
		}

		@Override
		public int parts() {
			return 1;
		}

		@Override
		public Lane lane(int index) {
			return this.lane;
		}

		@Override
		public void runPart(int index) {
			// a little work at each level, so that a waiter that did not follow the chain would return early
			LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
			if (this.level < 3) {
				QuiescenceTests.this.queue.execute(new Republishing(this.lane, this.level + 1, this.deepest));
			}
			else {
				this.deepest.set(3);
			}
		}

	}

}
