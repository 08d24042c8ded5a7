package io.github.selectorwakequeue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Test 9: wake-ups are coalesced. Under a flood a busy reactor is not woken at all, so wake-ups stay a
 * small fraction of the tasks; tasks offered by the reactor itself never wake it; an idle reactor sleeps
 * in {@code Selector.select}; and an interrupted producer that performs the wake leaves the self-pipe
 * open and working.
 */
class WakeupCoalescingTests {

	private static final int PRODUCERS = 2;

	private static final int TASKS_PER_PRODUCER = 500_000;

	private SelectorWakeQueue queue;

	@BeforeEach
	void open() {
		this.queue = SelectorWakeQueue.builder().name("coalescing").build();
		this.queue.start();
	}

	@AfterEach
	void close() {
		QueueTestSupport.closeQuietly(this.queue);
	}

	@Test
	void floodingProducersWakeTheReactorForAtMostOneTaskInTen() {
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			AtomicLong ran = new AtomicLong();
			CountDownLatch go = new CountDownLatch(1);
			List<Thread> producers = new ArrayList<>();
			for (int p = 0; p < PRODUCERS; p++) {
				producers.add(QueueTestSupport.start("flooder-" + p, () -> {
					try {
						go.await();
					}
					catch (InterruptedException ex) {
						throw new IllegalStateException(ex);
					}
					Runnable task = ran::incrementAndGet;
					for (int i = 0; i < TASKS_PER_PRODUCER; i++) {
						while (!this.queue.offer(task)) {
							Thread.onSpinWait();
						}
					}
				}));
			}
			go.countDown();
			producers.forEach(QueueTestSupport::join);
			QueueTestSupport.awaitDrained(this.queue, Duration.ofSeconds(30));

			Stats stats = this.queue.stats();
			long tasks = PRODUCERS * (long) TASKS_PER_PRODUCER;
			assertThat(ran.get()).isEqualTo(tasks);
			assertThat(stats.enqueued()).isEqualTo(tasks + 1);
			System.out.printf("[coalescing] %d tasks from %d producers: %d wake-ups (%.4f per task)%n", stats.enqueued(),
					PRODUCERS, stats.wakeups(), (double) stats.wakeups() / stats.enqueued());
			assertThat(stats.wakeups()).isPositive().isLessThanOrEqualTo(stats.enqueued() / 10);
		});
	}

	@Test
	void idleReactorSleepsInSelectorSelect() {
		assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
			Thread reactor = QueueTestSupport.awaitReactorInSelect(this.queue);
			assertThat(reactor.getState()).isIn(Thread.State.RUNNABLE, Thread.State.WAITING, Thread.State.TIMED_WAITING);
			assertThat(reactor.getStackTrace()).anySatisfy((frame) -> assertThat(frame.getClassName()).contains("SelectorImpl"));
		});
	}

	@Test
	void tasksOfferedByTheReactorNeverWakeIt() {
		assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
			CompletableFuture<Long> wakeupsAtStart = new CompletableFuture<>();
			CompletableFuture<Long> wakeupsAtEnd = new CompletableFuture<>();
			this.queue.execute(() -> {
				wakeupsAtStart.complete(this.queue.stats().wakeups());
				for (int i = 0; i < 999; i++) {
					this.queue.execute(() -> {
					});
				}
				this.queue.execute(() -> wakeupsAtEnd.complete(this.queue.stats().wakeups()));
			});
			assertThat(wakeupsAtEnd.get(10, TimeUnit.SECONDS)).isEqualTo(wakeupsAtStart.get());
			assertThat(this.queue.stats().callerRuns()).isZero();
		});
	}

	@Test
	void interruptedProducerThatWakesTheReactorLeavesThePipeWorking() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			WakeSignal signal = this.queue.wakeSignal();
			boolean interruptedThreadWoke = false;
			// the reactor also wakes by itself once a second; retry if that races with our single offer
			for (int attempt = 0; attempt < 5 && !interruptedThreadWoke; attempt++) {
				QueueTestSupport.awaitReactorInSelect(this.queue);
				CountDownLatch ran = new CountDownLatch(1);
				CompletableFuture<long[]> outcome = new CompletableFuture<>();
				QueueTestSupport.join(QueueTestSupport.start("interrupted-waker", () -> {
					Thread.currentThread().interrupt();
					long before = this.queue.stats().wakeups();
					boolean accepted = this.queue.offer(ran::countDown);
					long after = this.queue.stats().wakeups();
					outcome.complete(new long[] { accepted ? 1 : 0, after - before,
							Thread.currentThread().isInterrupted() ? 1 : 0 });
				}));
				long[] result = outcome.get();
				assertThat(result[0]).as("accepted").isEqualTo(1);
				assertThat(result[2]).as("interrupt flag kept").isEqualTo(1);
				assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
				interruptedThreadWoke = result[1] == 1;
			}
			assertThat(interruptedThreadWoke).as("an interrupted producer performed the wake").isTrue();
			assertThat(signal.isOpen()).isTrue();

			// and the pipe still wakes the reactor for the next, ordinary producer
			QueueTestSupport.awaitReactorInSelect(this.queue);
			long before = this.queue.stats().wakeups();
			long start = System.nanoTime();
			CountDownLatch ran = new CountDownLatch(1);
			this.queue.execute(ran::countDown);
			assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(this.queue.stats().wakeups() - before).isBetween(0L, 1L);
			assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(500);
			assertThat(signal.isOpen()).isTrue();
		});
	}

	@Test
	void wakingASleepingReactorAllocatesNothingOnTheProducer() {
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
			AtomicLong ran = new AtomicLong();
			Runnable task = ran::incrementAndGet;
			long measurementOverhead = allocatedAround(threads, () -> {
			});
			long allocated = 0;
			long wakes = 0;
			for (int i = 0; i < 300; i++) {
				QueueTestSupport.awaitReactorInSelect(this.queue);
				long wakeupsBefore = this.queue.stats().wakeups();
				allocated += allocatedAround(threads, () -> this.queue.offer(task)) - measurementOverhead;
				wakes += this.queue.stats().wakeups() - wakeupsBefore;
				QueueTestSupport.awaitDrained(this.queue, Duration.ofSeconds(5));
			}
			assertThat(wakes).as("offers that woke the reactor").isGreaterThan(100);
			assertThat(allocated).as("bytes allocated by %d offers, %d of them wake-ups", 300, wakes).isLessThanOrEqualTo(0);
		});
	}

	private static long allocatedAround(com.sun.management.ThreadMXBean threads, Runnable action) {
		long before = threads.getCurrentThreadAllocatedBytes();
		action.run();
		return threads.getCurrentThreadAllocatedBytes() - before;
	}

}
