package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Test 8 (live half; the model check is {@link LostWakeupModelCheckTests}): 100k single-task ping-pongs.
 * The producer offers each task as soon as the previous one reports in, after a random delay of its own,
 * while that task still spins for a random time before returning: the offer lands at random points
 * around the reactor's fall from the empty ring through announce (R1) and re-check (R2) into
 * {@code select} (R3), sometimes well after it sleeps. A lost wake-up would leave the task waiting for the rest of the reactor's
 * one-second safety timeout, which began just before the offer, so a round trip of 900 ms counts as a
 * hang (scheduling stalls on a loaded machine stay far below that).
 */
class LostWakeupTests {

	private static final int ROUNDS = 100_000;

	private static final long HANG_NANOS = TimeUnit.MILLISECONDS.toNanos(900);

	private static final int SHORT_DELAY_NANOS = 3_000;

	private static final int LONG_DELAY_NANOS = 20_000;

	/** Counts itself in, then keeps the reactor busy for a while, so the next offer can overtake its fall. */
	private static final class Pong implements Runnable {

		private final AtomicLong pongs;

		private final int lingerNanos;

		Pong(AtomicLong pongs, int lingerNanos) {
			this.pongs = pongs;
			this.lingerNanos = lingerNanos;
		}

		@Override
		public void run() {
			this.pongs.incrementAndGet();
			spin(this.lingerNanos);
		}

	}

	private static void spin(int nanos) {
		long until = System.nanoTime() + nanos;
		while (System.nanoTime() - until < 0) {
			Thread.onSpinWait();
		}
	}

	private SelectorWakeQueue queue;

	@AfterEach
	void close() {
		QueueTestSupport.closeQuietly(this.queue);
	}

	@Test
	void noPingPongWaitsForTheSafetyTimeout() {
		assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
			this.queue = SelectorWakeQueue.builder().name("ping-pong").build();
			this.queue.start();
			AtomicLong pongs = new AtomicLong();
			ThreadLocalRandom random = ThreadLocalRandom.current();
			long wakeupsBefore = this.queue.stats().wakeups();
			long worst = 0;
			int hangs = 0;
			int slow = 0;
			long started = System.nanoTime();
			int round = 1;
			rounds: for (; round <= ROUNDS; round++) {
				Pong pong = new Pong(pongs, random.nextInt(SHORT_DELAY_NANOS));
				spin(random.nextInt(4) == 0 ? random.nextInt(LONG_DELAY_NANOS) : random.nextInt(SHORT_DELAY_NANOS));
				long sent = System.nanoTime();
				this.queue.execute(pong);
				int spins = 0;
				while (pongs.get() != round) {
					if (System.nanoTime() - sent >= HANG_NANOS) {
						hangs++;
						break rounds; // fail now rather than pay the safety timeout round after round
					}
					if (++spins > 1_000) {
						Thread.yield(); // share the two cores with the reactor and other builds
					}
					else {
						Thread.onSpinWait();
					}
				}
				long took = System.nanoTime() - sent;
				worst = Math.max(worst, took);
				if (took >= TimeUnit.MILLISECONDS.toNanos(10)) {
					slow++;
				}
			}
			long totalMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
			long wakeups = this.queue.stats().wakeups() - wakeupsBefore;
			System.out.printf("[ping-pong] %d rounds in %d ms: %d wake-ups, %d over 10 ms, worst %.1f ms%n", round - 1,
					totalMillis, wakeups, slow, worst / 1e6);

			assertThat(hangs).as("round %d took %d ms or more (a lost wake-up)", round, TimeUnit.NANOSECONDS.toMillis(HANG_NANOS))
				.isZero();
			assertThat(pongs.get()).isEqualTo(ROUNDS);
			// many offers found the reactor asleep or falling asleep, and none paid more than one wake-up
			// (how many found it still busy depends on the machine's load: the printed figure shows it)
			assertThat(wakeups).isGreaterThan(ROUNDS / 10).isLessThanOrEqualTo(ROUNDS);
		});
	}


	/**
	 * Two producers ping-pong at once, so that one producer's wake-up write is often still in progress when the
	 * reactor, already woken by that byte, falls asleep again and the other producer claims the next wake-up.
	 * (Before, that producer skipped its write, counting on the other's byte, which the reactor had already
	 * drained: the reactor slept until its safety timeout with a task queued.)
	 */
	@Test
	void noPingPongOfTwoProducersAtOnceWaitsForTheSafetyTimeout() {
		assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
			this.queue = SelectorWakeQueue.builder().name("ping-pong-2").build();
			this.queue.start();
			long wakeupsBefore = this.queue.stats().wakeups();
			ExecutorService producers = Executors.newFixedThreadPool(2);
			try {
				List<Future<String>> hangs = new ArrayList<>();
				for (int p = 0; p < 2; p++) {
					hangs.add(producers.submit(() -> pingPong(ROUNDS / 2)));
				}
				for (Future<String> hang : hangs) {
					assertThat(hang.get()).as("a lost wake-up").isEmpty();
				}
			}
			finally {
				producers.shutdownNow();
			}
			assertThat(this.queue.stats().wakeups() - wakeupsBefore).as("wake-ups").isGreaterThan(ROUNDS / 20);
		});
	}

	/** One producer's ping-pongs; returns what hung, or an empty string. */
	private String pingPong(int rounds) {
		AtomicLong pongs = new AtomicLong();
		ThreadLocalRandom random = ThreadLocalRandom.current();
		for (int round = 1; round <= rounds; round++) {
			spin(random.nextInt(SHORT_DELAY_NANOS));
			long sent = System.nanoTime();
			this.queue.execute(new Pong(pongs, random.nextInt(SHORT_DELAY_NANOS / 3)));
			int spins = 0;
			while (pongs.get() != round) {
				if (System.nanoTime() - sent >= HANG_NANOS) {
					return "round " + round + " took " + TimeUnit.NANOSECONDS.toMillis(HANG_NANOS) + " ms or more";
				}
				if (++spins > 1_000) {
					Thread.yield();
				}
				else {
					Thread.onSpinWait();
				}
			}
		}
		return "";
	}

}
