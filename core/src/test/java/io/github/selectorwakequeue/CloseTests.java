package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Test 11: {@code close}. With the reactor stuck in a task, {@code close(100ms)} gives up waiting and
 * returns the queued tasks in order, and none of them runs later; after close {@code execute} follows
 * the policy and {@code offer} refuses; {@code close} is idempotent. Without a stuck task, close lets
 * the queued tasks run and returns nothing.
 */
class CloseTests {

	private SelectorWakeQueue queue;

	@AfterEach
	void close() {
		QueueTestSupport.closeQuietly(this.queue);
	}

	@Test
	void closeWithAStuckReactorReturnsTheQueuedTasksInOrderAndNoneRunsLater() {
		assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
			this.queue = SelectorWakeQueue.builder().name("close-stuck").overflowPolicy(OverflowPolicy.REJECT).build();
			this.queue.start();
			CountDownLatch inStuckTask = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			this.queue.execute(() -> {
				inStuckTask.countDown();
				QueueTestSupport.awaitQuietly(release);
			});
			assertThat(inStuckTask.await(10, TimeUnit.SECONDS)).isTrue();
			AtomicInteger ranAfterStuck = new AtomicInteger();
			List<Runnable> queued = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				Runnable task = ranAfterStuck::incrementAndGet;
				queued.add(task);
				this.queue.execute(task);
			}
			Thread reactor = this.queue.reactorThread().orElseThrow();

			long start = System.nanoTime();
			List<Runnable> notRun = this.queue.close(Duration.ofMillis(100));
			long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

			assertThat(notRun).containsExactlyElementsOf(queued);
			assertThat(tookMillis).isGreaterThanOrEqualTo(100).isLessThan(5_000);
			assertThat(this.queue.isClosed()).isTrue();

			release.countDown();
			reactor.join(TimeUnit.SECONDS.toMillis(10));
			assertThat(reactor.isAlive()).as("reactor exits once the stuck task returns").isFalse();
			assertThat(ranAfterStuck.get()).as("returned tasks must not also run").isZero();
			assertThat(this.queue.stats().running()).isFalse();
		});
	}

	@Test
	void closeRunsWhatIsQueuedWhenTheReactorIsFree() {
		assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
			this.queue = SelectorWakeQueue.builder().name("close-drain").build();
			CountDownLatch gate = new CountDownLatch(1);
			AtomicInteger ran = new AtomicInteger();
			this.queue.start();
			this.queue.execute(() -> QueueTestSupport.awaitQuietly(gate));
			for (int i = 0; i < 1_000; i++) {
				this.queue.execute(ran::incrementAndGet);
			}
			Thread opener = QueueTestSupport.start("gate-opener", gate::countDown);
			List<Runnable> notRun = this.queue.close(Duration.ofSeconds(10));
			QueueTestSupport.join(opener);
			assertThat(notRun).isEmpty();
			assertThat(ran.get()).isEqualTo(1_000);
			assertThat(this.queue.reactorThread().orElseThrow().isAlive()).isFalse();
		});
	}

	@Test
	void closeBeforeStartReturnsEverythingAccepted() {
		assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
			this.queue = SelectorWakeQueue.builder().name("close-unstarted").build();
			Runnable first = () -> {
			};
			Runnable second = () -> {
			};
			assertThat(this.queue.offer(first)).isTrue();
			assertThat(this.queue.offer(second)).isTrue();
			assertThat(this.queue.close(Duration.ofMillis(10))).containsExactly(first, second);
			assertThat(this.queue.stats().enqueued()).isEqualTo(2);
			assertThat(this.queue.stats().dispatched()).isZero();
		});
	}

	@Test
	void closeIsIdempotent() {
		assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
			this.queue = SelectorWakeQueue.builder().name("close-twice").build();
			this.queue.start();
			assertThat(this.queue.close(Duration.ofSeconds(5))).isEmpty();
			assertThat(this.queue.close(Duration.ofSeconds(5))).isEmpty();
			this.queue.close();
			assertThat(this.queue.isClosed()).isTrue();
			assertThat(this.queue.offer(() -> {
			})).isFalse();
		});
	}

	@Test
	void executeAfterCloseFollowsRejectAndNamesTheQueue() {
		assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
			this.queue = SelectorWakeQueue.builder().name("closed-reject").overflowPolicy(OverflowPolicy.REJECT).build();
			this.queue.start();
			this.queue.close(Duration.ofSeconds(5));
			AtomicInteger ran = new AtomicInteger();
			assertThatExceptionOfType(RejectedExecutionException.class)
				.isThrownBy(() -> this.queue.execute(ran::incrementAndGet))
				.withMessageContaining("closed-reject")
				.withMessageContaining("closed");
			assertThat(ran.get()).isZero();
			assertThat(this.queue.stats().rejected()).isEqualTo(1);
		});
	}

	@Test
	void executeAfterCloseFollowsCallerRuns() {
		assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
			this.queue = SelectorWakeQueue.builder().name("closed-caller-runs").build();
			this.queue.start();
			this.queue.close(Duration.ofSeconds(5));
			AtomicReference<Thread> ranOn = new AtomicReference<>();
			this.queue.execute(() -> ranOn.set(Thread.currentThread()));
			assertThat(ranOn.get()).isSameAs(Thread.currentThread());
			assertThat(this.queue.stats().callerRuns()).isEqualTo(1);
		});
	}

	@Test
	void executeAfterCloseFollowsDiscard() {
		assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
			this.queue = SelectorWakeQueue.builder().name("closed-discard").overflowPolicy(OverflowPolicy.DISCARD).build();
			this.queue.start();
			this.queue.close(Duration.ofSeconds(5));
			AtomicInteger ran = new AtomicInteger();
			this.queue.execute(ran::incrementAndGet);
			assertThat(ran.get()).isZero();
			assertThat(this.queue.stats().discarded()).isEqualTo(1);
			assertThat(this.queue.stats().enqueued()).isZero();
		});
	}

	@Test
	void fullQueueRejectionNamesTheQueueAndSaysFull() {
		assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
			this.queue = SelectorWakeQueue.builder().name("full-reject").capacity(2).overflowPolicy(OverflowPolicy.REJECT).build();
			// not started: nothing drains, so the third task finds it full
			this.queue.execute(() -> {
			});
			this.queue.execute(() -> {
			});
			assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> this.queue.execute(() -> {
			})).withMessageContaining("full-reject").withMessageContaining("full");
		});
	}

	@Test
	void closeReturnsTheTasksOfTimersNotYetDueAfterTheQueuedTasks() {
		assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
			this.queue = SelectorWakeQueue.builder().name("close-timers").build();
			this.queue.start();
			AtomicInteger ran = new AtomicInteger();
			Runnable later = ran::incrementAndGet;
			Runnable muchLater = ran::incrementAndGet;
			Runnable cancelled = ran::incrementAndGet;
			this.queue.schedule(Duration.ofHours(2), muchLater);
			this.queue.schedule(Duration.ofSeconds(5), later);
			this.queue.schedule(Duration.ofSeconds(1), cancelled).cancel();
			CountDownLatch stuck = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			this.queue.execute(() -> {
				stuck.countDown();
				QueueTestSupport.awaitQuietly(release);
			});
			assertThat(stuck.await(5, TimeUnit.SECONDS)).isTrue();
			Runnable queued = ran::incrementAndGet;
			this.queue.execute(queued);
			List<Runnable> notRun = this.queue.close(Duration.ofMillis(100));
			release.countDown();
			assertThat(notRun).containsExactly(queued, later, muchLater);
			assertThat(ran).hasValue(0);
		});
	}

	@Test
	void closeCalledOnAnInterruptedThreadStillLetsTheQueueDrainAndKeepsTheInterrupt() {
		assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
			this.queue = SelectorWakeQueue.builder().name("close-interrupted").build();
			this.queue.start();
			CountDownLatch release = new CountDownLatch(1);
			this.queue.execute(() -> QueueTestSupport.awaitQuietly(release));
			AtomicInteger ran = new AtomicInteger();
			for (int i = 0; i < 40; i++) {
				this.queue.execute(ran::incrementAndGet);
			}
			Thread releaser = QueueTestSupport.start("releaser", () -> {
				// released once close is waiting: close must still be waiting then, interrupt or not
				org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
					.until(() -> Thread.getAllStackTraces().keySet().stream()
						.anyMatch((thread) -> thread.getName().equals("closer") && thread.getState() == Thread.State.TIMED_WAITING));
				release.countDown();
			});
			List<Runnable> notRun = new java.util.ArrayList<>();
			boolean[] interruptedAfter = new boolean[1];
			Thread closer = QueueTestSupport.start("closer", () -> {
				Thread.currentThread().interrupt();
				notRun.addAll(this.queue.close(Duration.ofSeconds(10)));
				interruptedAfter[0] = Thread.currentThread().isInterrupted();
			});
			QueueTestSupport.join(closer);
			QueueTestSupport.join(releaser);
			assertThat(notRun).isEmpty();
			assertThat(ran).hasValue(40);
			assertThat(interruptedAfter[0]).as("the closer's interrupt is kept").isTrue();
		});
	}

}
