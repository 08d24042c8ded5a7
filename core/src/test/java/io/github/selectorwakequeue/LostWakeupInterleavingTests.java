package io.github.selectorwakequeue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Test 8, exhaustive half: enumerates every interleaving of three producers (P1 enqueue, P2 claim the
 * wake and write a byte) and a reactor taking two turns of drain, R1 announce, R2 re-check, R3 select
 * (enabled only once a byte is in the pipe), R4 awake, over the real {@link SleepFlag}; the ring and the
 * pipe are counters. Each {@code SleepFlag} call is one step (Lincheck, in
 * {@link LostWakeupModelCheckTests}, also splits them into their atomic accesses). No interleaving may
 * leave the reactor blocked in {@code select} with a task queued, and no sleep may see two wake writes.
 * The same enumeration with either side's steps swapped must find lost wake-ups.
 */
class LostWakeupInterleavingTests {

	private static final int PRODUCERS = 3;

	private static final int REACTOR_TURNS = 2;

	@Test
	void noInterleavingLosesAWakeupOrWritesTwicePerSleep() {
		Outcome outcome = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> enumerate(false, false));
		System.out.printf("[interleavings] %d schedules: %d with a wake write, %d sleeps abandoned at R2, "
				+ "most writes in one sleep %d, lost wake-ups %d%n", outcome.schedules, outcome.withWrite,
				outcome.abandonedSleeps, outcome.maxWritesPerSleep, outcome.lost);
		assertThat(outcome.schedules).isGreaterThan(100_000);
		assertThat(outcome.lost).isZero();
		assertThat(outcome.maxWritesPerSleep).isEqualTo(1);
		assertThat(outcome.withWrite).isPositive().isLessThan(outcome.schedules);
	}

	@Test
	void claimingBeforeEnqueueingLosesWakeups() {
		Outcome outcome = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> enumerate(true, false));
		assertThat(outcome.lost).isPositive();
	}

	@Test
	void recheckingBeforeAnnouncingLosesWakeups() {
		Outcome outcome = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> enumerate(false, true));
		assertThat(outcome.lost).isPositive();
	}

	private static Outcome enumerate(boolean claimFirst, boolean checkFirst) {
		Outcome outcome = new Outcome();
		Interleavings.explore(() -> new World(claimFirst, checkFirst), outcome::record);
		return outcome;
	}

	private static final class Outcome {

		long schedules;

		long lost;

		long withWrite;

		long abandonedSleeps;

		int maxWritesPerSleep;

		void record(World world) {
			this.schedules++;
			if (world.reactorPc == World.R3 && world.ring > 0) {
				this.lost++; // blocked in select, nothing in the pipe, a task waiting: nobody will wake it
			}
			if (world.writes > 0) {
				this.withWrite++;
			}
			this.abandonedSleeps += world.abandoned;
			this.maxWritesPerSleep = Math.max(this.maxWritesPerSleep, world.maxWritesPerSleep);
		}

	}

	/** Threads 0..PRODUCERS-1 are producers, thread PRODUCERS is the reactor. */
	private static final class World implements Interleavings.Model {

		static final int DRAIN = 0;

		static final int R1 = 1;

		static final int R2 = 2;

		static final int R3 = 3;

		static final int R4 = 4;

		static final int DONE = 5;

		final boolean claimFirst;

		final boolean checkFirst;

		final SleepFlag flag = new SleepFlag();

		final int[] producerPc = new int[PRODUCERS];

		final boolean[] claimed = new boolean[PRODUCERS];

		int ring;

		int pipe;

		int writes;

		int writesThisSleep;

		int maxWritesPerSleep;

		int abandoned;

		int reactorPc = DRAIN;

		int turn;

		boolean sawWork;

		World(boolean claimFirst, boolean checkFirst) {
			this.claimFirst = claimFirst;
			this.checkFirst = checkFirst;
		}

		@Override
		public int threads() {
			return PRODUCERS + 1;
		}

		@Override
		public boolean enabled(int thread) {
			if (thread < PRODUCERS) {
				return this.producerPc[thread] < 2;
			}
			// select (R3) returns only once a wake byte is in the pipe
			return this.reactorPc != DONE && (this.reactorPc != R3 || this.pipe > 0);
		}

		@Override
		public void step(int thread) {
			if (thread < PRODUCERS) {
				stepProducer(thread);
			}
			else {
				stepReactor();
			}
		}

		private void stepProducer(int p) {
			boolean enqueueStep = (this.producerPc[p] == 0) != this.claimFirst;
			if (enqueueStep) {
				this.ring++; // P1
				if (this.claimFirst && this.claimed[p]) {
					write();
				}
			}
			else if (this.claimFirst) {
				this.claimed[p] = this.flag.tryClaimWake(); // P2 too early: before the enqueue
			}
			else if (this.flag.tryClaimWake()) { // P2
				write();
			}
			this.producerPc[p]++;
		}

		private void write() {
			this.pipe++;
			this.writes++;
			this.writesThisSleep++;
			this.maxWritesPerSleep = Math.max(this.maxWritesPerSleep, this.writesThisSleep);
		}

		private void stepReactor() {
			switch (this.reactorPc) {
				case DRAIN -> {
					this.ring = 0; // the reactor runs everything queued
					this.reactorPc = this.checkFirst ? R2 : R1;
				}
				case R1 -> {
					this.flag.announceSleep();
					this.writesThisSleep = 0;
					this.reactorPc = this.checkFirst ? R3 : R2;
					if (this.checkFirst && this.sawWork) {
						this.flag.awake();
						this.abandoned++;
						nextTurn();
					}
				}
				case R2 -> {
					if (this.checkFirst) {
						this.sawWork = this.ring > 0;
						this.reactorPc = R1;
					}
					else if (this.ring > 0) {
						this.flag.awake();
						this.abandoned++;
						nextTurn();
					}
					else {
						this.reactorPc = R3;
					}
				}
				case R3 -> {
					this.pipe = 0; // select returned: empty the pipe
					this.reactorPc = R4;
				}
				case R4 -> {
					this.flag.awake();
					nextTurn();
				}
				default -> throw new IllegalStateException("reactor is done");
			}
		}

		private void nextTurn() {
			this.turn++;
			this.reactorPc = (this.turn < REACTOR_TURNS) ? DRAIN : DONE;
		}

	}

}
