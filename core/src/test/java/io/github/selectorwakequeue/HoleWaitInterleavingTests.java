package io.github.selectorwakequeue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The sleep protocol when a producer is between its claim and its store: enumerates every interleaving of two
 * producers (P1a claim, P1b store, P2 claim the wake and write a byte) and a reactor taking up to three turns of
 * poll, choose the sleep (a short one if a hole is at the head), R1 announce, R2 re-check, R3 select (enabled only
 * once a byte is in the pipe), R4 awake, over the real {@link TaskRing} and {@link SleepFlag}, with the reactor's
 * re-checks (behind a hole {@link TaskRing#hasElementAtHead()}, otherwise {@link TaskRing#isEmpty()}). No
 * interleaving may leave the reactor in {@code select} with an element at the head and no byte coming: it would
 * wait for its timeout (1 ms behind a hole, up to 1 s otherwise) with a task ready.
 *
 * <p>The re-check the reactor used before (while a hole was at the head, ignore the ring, so as not to spin on a
 * dead producer's slot) must be found wanting: a store landing between the hole check and R1, whose producer's
 * P2 ran before R1, left the reactor asleep for the recheck timeout.
 */
class HoleWaitInterleavingTests {

	private static final int PRODUCERS = 2;

	private static final int REACTOR_TURNS = 3;

	@Test
	void noInterleavingLeavesTheReactorAsleepWithATaskAtTheHead() {
		Outcome outcome = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> enumerate(false));
		System.out.printf("[hole-wait interleavings] %d schedules, %d with a short sleep behind a hole, "
				+ "%d asleep with a task at the head%n", outcome.schedules, outcome.holeSleeps, outcome.stranded);
		assertThat(outcome.schedules).isGreaterThan(10_000);
		assertThat(outcome.holeSleeps).as("schedules in which the reactor slept behind a hole").isPositive();
		assertThat(outcome.stranded).isZero();
	}

	@Test
	void ignoringTheRingWhileAHoleIsAtTheHeadLeavesTheReactorAsleepWithATask() {
		Outcome outcome = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> enumerate(true));
		assertThat(outcome.stranded).isPositive();
	}

	private static Outcome enumerate(boolean ignoreRingBehindHole) {
		Outcome outcome = new Outcome();
		Interleavings.explore(() -> new World(ignoreRingBehindHole), outcome::record);
		return outcome;
	}

	private static final class Outcome {

		long schedules;

		long holeSleeps;

		long stranded;

		void record(World world) {
			this.schedules++;
			this.holeSleeps += world.holeSleeps;
			if (world.reactorPc == World.R3 && world.ring.hasElementAtHead()) {
				this.stranded++; // in select, nothing in the pipe, a task ready: only the timeout ends this sleep
			}
		}

	}

	/** Threads 0..PRODUCERS-1 are producers, thread PRODUCERS is the reactor. */
	private static final class World implements Interleavings.Model {

		static final int POLL = 0;

		static final int CHOOSE = 1;

		static final int R1 = 2;

		static final int R2 = 3;

		static final int R3 = 4;

		static final int DONE = 5;

		final boolean ignoreRingBehindHole;

		final TaskRing ring = new TaskRing(4, "interleavings", () -> 0L, QueueLog.system());

		final SleepFlag flag = new SleepFlag();

		final int[] producerPc = new int[PRODUCERS];

		final long[] claimed = new long[PRODUCERS];

		int pipe;

		int holeSleeps;

		boolean holeAtHead;

		int reactorPc = POLL;

		int turn;

		World(boolean ignoreRingBehindHole) {
			this.ignoreRingBehindHole = ignoreRingBehindHole;
		}

		@Override
		public int threads() {
			return PRODUCERS + 1;
		}

		@Override
		public boolean enabled(int thread) {
			if (thread < PRODUCERS) {
				return this.producerPc[thread] < 3;
			}
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
			switch (this.producerPc[p]) {
				case 0 -> this.claimed[p] = this.ring.claim(); // P1a
				case 1 -> assertThat(this.ring.store(this.claimed[p], (Runnable) () -> { })).isTrue(); // P1b
				default -> {
					if (this.flag.tryClaimWake()) { // P2
						this.pipe++;
					}
				}
			}
			this.producerPc[p]++;
		}

		private void stepReactor() {
			switch (this.reactorPc) {
				case POLL -> {
					if (this.ring.poll(false) == null) { // else a task ran, and the reactor polls again
						this.reactorPc = CHOOSE;
					}
				}
				case CHOOSE -> {
					this.holeAtHead = !this.ring.isEmpty() && this.ring.hasHoleAtHead();
					this.reactorPc = R1;
				}
				case R1 -> {
					this.flag.announceSleep();
					this.reactorPc = R2;
				}
				case R2 -> {
					// the reactor's re-checks: behind a hole, whether the head slot was filled; otherwise whether
					// anything was claimed
					boolean work = !this.holeAtHead ? !this.ring.isEmpty()
							: !this.ignoreRingBehindHole && this.ring.hasElementAtHead();
					if (work) {
						this.flag.awake();
						nextTurn();
					}
					else {
						if (this.holeAtHead) {
							this.holeSleeps++;
						}
						this.reactorPc = R3;
					}
				}
				case R3 -> { // select returned: a byte is in the pipe; R4
					this.pipe--;
					this.flag.awake();
					nextTurn();
				}
				default -> throw new IllegalStateException("reactor step " + this.reactorPc);
			}
		}

		private void nextTurn() {
			this.turn++;
			this.reactorPc = (this.turn < REACTOR_TURNS) ? POLL : DONE;
		}

	}

}
