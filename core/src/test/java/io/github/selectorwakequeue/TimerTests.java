package io.github.selectorwakequeue;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Test 12: {@code schedule} runs the task once, on the reactor, no earlier than the delay (even when
 * the reactor is asleep with no other deadline); {@code cancel()} before it fires prevents the run.
 */
class TimerTests {

	private SelectorWakeQueue queue;

	@BeforeEach
	void open() {
		this.queue = SelectorWakeQueue.builder().name("timers").build();
		this.queue.start();
	}

	@AfterEach
	void close() {
		QueueTestSupport.closeQuietly(this.queue);
	}

	@Test
	void scheduledTaskRunsOnTheReactorAfterTheDelay() {
		assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
			QueueTestSupport.awaitReactorInSelect(this.queue);
			Duration delay = Duration.ofMillis(150);
			CompletableFuture<Long> ranAfter = new CompletableFuture<>();
			AtomicInteger runs = new AtomicInteger();
			long start = System.nanoTime();
			this.queue.schedule(delay, () -> {
				runs.incrementAndGet();
				if (this.queue.isReactorThread()) {
					ranAfter.complete(System.nanoTime() - start);
				}
				else {
					ranAfter.completeExceptionally(new AssertionError("ran on " + Thread.currentThread()));
				}
			});
			long elapsed = ranAfter.get(5, TimeUnit.SECONDS);
			assertThat(elapsed).isGreaterThanOrEqualTo(delay.toNanos());
			// far below the reactor's 1 s safety sleep: the new deadline shortened a sleep already in progress
			assertThat(TimeUnit.NANOSECONDS.toMillis(elapsed)).isLessThan(900);
			QueueTestSupport.awaitDrained(this.queue, Duration.ofSeconds(5));
			assertThat(runs.get()).isEqualTo(1);
		});
	}

	@Test
	void timersRunInDeadlineOrder() {
		assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
			StringBuffer order = new StringBuffer();
			CountDownLatch done = new CountDownLatch(3);
			this.queue.schedule(Duration.ofMillis(90), () -> {
				order.append('c');
				done.countDown();
			});
			this.queue.schedule(Duration.ofMillis(10), () -> {
				order.append('a');
				done.countDown();
			});
			this.queue.schedule(Duration.ofMillis(50), () -> {
				order.append('b');
				done.countDown();
			});
			assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
			assertThat(order).hasToString("abc");
		});
	}

	@Test
	void cancelBeforeItFiresPreventsTheRun() {
		assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
			AtomicInteger cancelledRuns = new AtomicInteger();
			Cancellable cancelled = this.queue.schedule(Duration.ofMillis(50), cancelledRuns::incrementAndGet);
			assertThat(cancelled.cancel()).isTrue();
			assertThat(cancelled.cancel()).as("second cancel").isFalse();
			// a witness due later than the cancelled one: once it has run, the cancelled one would have too
			CountDownLatch witness = new CountDownLatch(1);
			this.queue.schedule(Duration.ofMillis(150), witness::countDown);
			assertThat(witness.await(5, TimeUnit.SECONDS)).isTrue();
			assertThat(cancelledRuns.get()).isZero();
		});
	}

	@Test
	void cancelAfterTheRunReportsFalse() {
		assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
			CountDownLatch ran = new CountDownLatch(1);
			Cancellable timer = this.queue.schedule(Duration.ZERO, ran::countDown);
			assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
			assertThat(timer.cancel()).isFalse();
		});
	}

	@Test
	void pendingTimersDoNotRunAfterClose() {
		assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
			AtomicInteger runs = new AtomicInteger();
			Cancellable timer = this.queue.schedule(Duration.ofMillis(200), runs::incrementAndGet);
			this.queue.close(Duration.ofSeconds(5));
			assertThat(timer.cancel()).as("close already cancelled it").isFalse();
			assertThat(runs.get()).isZero();
		});
	}

	@ParameterizedTest
	@ValueSource(longs = { 0, 100 })
	void aTimerDueBehindAStuckTimerDoesNotRunAfterCloseReturned(long closeTimeoutMillis) {
		assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
			CountDownLatch stuck = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			AtomicInteger laterRuns = new AtomicInteger();
			Thread reactor = this.queue.reactorThread().orElseThrow();
			this.queue.schedule(Duration.ZERO, () -> {
				stuck.countDown();
				awaitQuietly(release);
			});
			this.queue.schedule(Duration.ZERO, laterRuns::incrementAndGet);
			assertThat(stuck.await(10, TimeUnit.SECONDS)).isTrue();
			this.queue.close(Duration.ofMillis(closeTimeoutMillis));
			release.countDown();
			reactor.join(10_000);
			assertThat(reactor.isAlive()).isFalse();
			assertThat(laterRuns.get()).as("timer runs after close() returned").isZero();
		});
	}

	@Test
	void closeWithZeroTimeoutWhileATaskRunsRunsNoTimerAfterItReturned() {
		assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
			CountDownLatch busy = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			AtomicInteger timerRuns = new AtomicInteger();
			Thread reactor = this.queue.reactorThread().orElseThrow();
			this.queue.execute(() -> {
				busy.countDown();
				awaitQuietly(release);
			});
			assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
			this.queue.schedule(Duration.ZERO, timerRuns::incrementAndGet);
			this.queue.close(Duration.ZERO);
			release.countDown();
			reactor.join(10_000);
			assertThat(reactor.isAlive()).isFalse();
			assertThat(timerRuns.get()).as("timer runs after close() returned").isZero();
		});
	}

	@Test
	void aForeverDelayDoesNotStarveOtherTimers() {
		assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
			CountDownLatch soon = new CountDownLatch(1);
			this.queue.schedule(Duration.ofNanos(Long.MAX_VALUE), () -> {
			});
			this.queue.schedule(ChronoUnit.FOREVER.getDuration(), () -> {
			});
			this.queue.schedule(Duration.ofMillis(10), soon::countDown);
			assertThat(soon.await(10, TimeUnit.SECONDS)).as("the 10 ms timer ran").isTrue();
		});
	}

	@Test
	void cancelledTimersDoNotKeepWhatTheyCaptureUntilTheirDeadline() {
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			int timers = 10_000;
			List<WeakReference<byte[]>> captured = new ArrayList<>(timers);
			// a live timer ahead of them: the cancelled ones never reach the head of the deadline heap
			this.queue.schedule(Duration.ofMinutes(30), () -> {
			});
			for (int i = 0; i < timers; i++) {
				byte[] payload = new byte[1024];
				captured.add(new WeakReference<>(payload));
				this.queue.schedule(Duration.ofHours(1), () -> payload[0]++).cancel();
			}
			QueueTestSupport.awaitDrained(this.queue, Duration.ofSeconds(10));
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
				System.gc();
				return captured.stream().allMatch((reference) -> reference.get() == null);
			});
		});
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
