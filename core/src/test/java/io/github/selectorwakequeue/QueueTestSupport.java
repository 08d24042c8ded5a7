package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Helpers shared by the core tests. */
final class QueueTestSupport {

	private QueueTestSupport() {
	}

	/** Whether the thread's stack shows it waiting inside the JDK's selector implementation. */
	static boolean inSelect(Thread thread) {
		return Arrays.stream(thread.getStackTrace())
			.anyMatch((frame) -> frame.getClassName().startsWith("sun.nio.ch.") && frame.getClassName().contains("SelectorImpl"));
	}

	/** Waits until the queue's reactor thread is asleep in {@code Selector.select}. */
	static Thread awaitReactorInSelect(SelectorWakeQueue queue) {
		Thread reactor = queue.reactorThread().orElseThrow();
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(2)).until(() -> inSelect(reactor));
		return reactor;
	}

	/**
	 * Waits until everything queued before this call has run: offers a marker (retrying while the queue
	 * is full, so it never runs on the caller or gets dropped) and waits for it.
	 */
	static void awaitDrained(SelectorWakeQueue queue, Duration timeout) {
		CountDownLatch marker = new CountDownLatch(1);
		while (!queue.offer(marker::countDown)) {
			Thread.onSpinWait();
		}
		try {
			assertThat(marker.await(timeout.toMillis(), TimeUnit.MILLISECONDS)).as("queue drained in time").isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("interrupted while waiting for the queue to drain", ex);
		}
	}

	/** A fan-out with one part per lane, in that order, whose part {@code i} runs {@code runPart.accept(i)}. */
	static FanOut fanOut(IntConsumer runPart, Lane... lanes) {
		return new FanOut() {
			@Override
			public int parts() {
				return lanes.length;
			}

			@Override
			public Lane lane(int index) {
				return lanes[index];
			}

			@Override
			public void runPart(int index) {
				runPart.accept(index);
			}
		};
	}

	/** A fan-out with one part, in {@code lane}, that runs {@code body}. */
	static FanOut onePart(Lane lane, Runnable body) {
		return fanOut((index) -> body.run(), lane);
	}

	/**
	 * Puts a part in {@code lane} that holds its thread until {@code release} is counted down (at most 30 s), and
	 * waits until that part runs: a stuck listener, for the tests of what the queue does around one.
	 */
	static void holdLane(SelectorWakeQueue queue, Lane lane, CountDownLatch release) {
		CountDownLatch entered = new CountDownLatch(1);
		queue.execute(onePart(lane, () -> {
			entered.countDown();
			awaitQuietly(release);
		}));
		try {
			assertThat(entered.await(10, TimeUnit.SECONDS)).as("the part holding lane %s runs", lane).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("interrupted while waiting for the part holding " + lane, ex);
		}
	}

	/** Starts a daemon platform thread running {@code body} (daemon: a failed test cannot keep the JVM alive). */
	static Thread start(String name, Runnable body) {
		Thread thread = new Thread(body, name);
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	/**
	 * Waits up to 30 s for the latch, for a task or part that holds its thread until a test lets it go; an interrupt
	 * ends the wait and stays set on the thread.
	 */
	static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Joins, turning an interrupt into a test failure. */
	static void join(Thread thread) {
		try {
			thread.join();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("interrupted while joining " + thread.getName(), ex);
		}
	}

	/** Closes the queue if it was created, failing the test if that takes more than 30 s; for {@code @AfterEach}. */
	static void closeQuietly(SelectorWakeQueue queue) {
		if (queue != null) {
			assertTimeoutPreemptively(Duration.ofSeconds(30), () -> queue.close(Duration.ofSeconds(5)), "close()");
		}
	}

	/**
	 * A clock for tests of time rules: frozen until moved by {@link #advance(long)}; after {@link #release()} it
	 * also follows real time, so that a queue left with a time rule pending can still close.
	 */
	static final class ManualClock implements LongSupplier {

		private final AtomicLong manual = new AtomicLong();

		private volatile long releasedAt;

		@Override
		public long getAsLong() {
			long released = this.releasedAt;
			return this.manual.get() + ((released != 0) ? System.nanoTime() - released : 0);
		}

		void advance(long nanos) {
			this.manual.addAndGet(nanos);
		}

		void release() {
			if (this.releasedAt == 0) {
				this.releasedAt = System.nanoTime();
			}
		}

	}

}
