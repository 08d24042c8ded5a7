package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Exhaustive interleavings of the two lane protocols, each step being one access to the real shared state of a
 * {@link Lane} (its backlog, depth, worker flag, detached and slow flags), as {@link LaneDispatcher} and
 * {@link LaneWorkers} make them.
 *
 * <ul>
 * <li>Attach and detach: the reactor dispatches three parts to a lane that starts slow; workers the reactor
 * schedules drain the backlog, may find the lane quick again, and go idle with the re-check; the reactor takes the
 * lane back when it sees it quick, drained and without a worker. In every interleaving each part runs exactly once,
 * in dispatch order, and nothing is left in the backlog. Without the worker's re-check after letting go, some
 * interleaving strands a part.</li>
 * <li>Hand-off: the reactor's end-of-run CAS and the monitor's hand-off CAS on the run token: in every interleaving
 * exactly one wins, and a reactor that lost never runs another part as the reactor.</li>
 * </ul>
 */
class LaneProtocolInterleavingTests {

	private static final int PARTS = 3;

	@Test
	void everyPartRunsOnceInOrderWhateverTheInterleaving() {
		Outcome outcome = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> enumerate(true));
		System.out.printf("[lane interleavings] %d schedules, %d with the lane back on the reactor, "
				+ "%d parts run inline, %d on workers%n", outcome.schedules, outcome.reattached, outcome.inline,
				outcome.onWorkers);
		assertThat(outcome.schedules).isGreaterThan(10_000);
		assertThat(outcome.violations).isEmpty();
		assertThat(outcome.reattached).isPositive();
		assertThat(outcome.onWorkers).isPositive();
	}

	@Test
	void withoutTheWorkersRecheckSomeInterleavingStrandsAPart() {
		Outcome outcome = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> enumerate(false));
		assertThat(outcome.violations).anySatisfy((violation) -> assertThat(violation).contains("stranded"));
	}

	@Test
	void exactlyOneOfTheReactorAndTheMonitorWinsTheRunToken() {
		int schedules = 0;
		// reactor: D2 publish token, D3 run, D4 CAS token -> 0; monitor: M1 read token, M2 CAS token -> handed off
		for (int mask = 0; mask < (1 << 5); mask++) {
			if (Integer.bitCount(mask) != 2) {
				continue; // 3 reactor steps and 2 monitor steps: choose the monitor's positions
			}
			schedules++;
			HandOffWorld world = new HandOffWorld();
			for (int step = 0; step < 5; step++) {
				if ((mask & (1 << step)) != 0) {
					world.monitorStep();
				}
				else {
					world.reactorStep();
				}
			}
			assertThat(world.reactorWon ^ world.monitorWon).as("exactly one wins, schedule %s",
					Integer.toBinaryString(mask)).isTrue();
			if (world.monitorWon) {
				assertThat(world.reactorGoesOn).isFalse();
			}
		}
		assertThat(schedules).isEqualTo(10);
	}

	private static Outcome enumerate(boolean recheck) {
		Outcome outcome = new Outcome();
		Interleavings.explore(() -> new AttachWorld(recheck), outcome::record);
		return outcome;
	}

	private static final class Outcome {

		long schedules;

		long reattached;

		long inline;

		long onWorkers;

		final List<String> violations = new ArrayList<>();

		void record(AttachWorld world) {
			this.schedules++;
			this.inline += world.inline;
			this.onWorkers += world.onWorkers;
			if (world.reattached) {
				this.reattached++;
			}
			String violation = world.violation();
			if (violation != null && this.violations.size() < 10) {
				this.violations.add(violation);
			}
		}

	}

	/**
	 * Thread 0 is the reactor; threads 1.. are workers, each enabled once the reactor (or a worker re-queueing)
	 * scheduled it. The lane starts slow, so the first part goes to a worker.
	 */
	private static final class AttachWorld implements Interleavings.Model {

		// reactor program counter per part: DECIDE, then APPEND, then SCHEDULE_READ, SCHEDULE_CAS
		static final int DECIDE = 0;

		static final int APPEND = 1;

		static final int SCHEDULE_READ = 2;

		static final int SCHEDULE_CAS = 3;

		// worker program counter
		static final int TAKE = 0;

		static final int RUN = 1;

		static final int LET_GO = 2;

		static final int RECHECK = 3;

		static final int EXITED = 4;

		final boolean recheck;

		final Lane lane;

		int nextPart;

		int reactorPc = DECIDE;

		boolean reactorDone;

		final List<int[]> workers = new ArrayList<>(); // {pc, partInHand}

		final List<Integer> ran = new ArrayList<>();

		int inline;

		int onWorkers;

		boolean reattached;

		String problem;

		AttachWorld(boolean recheck) {
			this.recheck = recheck;
			this.lane = new Lane("modelled", null, Clock.SYSTEM, 1_000_000, 100_000_000);
			this.lane.slow = true;
		}

		@Override
		public int threads() {
			return 1 + this.workers.size();
		}

		@Override
		public boolean enabled(int thread) {
			if (thread == 0) {
				return !this.reactorDone;
			}
			return this.workers.get(thread - 1)[0] != EXITED;
		}

		@Override
		public void step(int thread) {
			if (thread == 0) {
				reactorStep();
			}
			else {
				workerStep(this.workers.get(thread - 1));
			}
		}

		private void reactorStep() {
			int part = this.nextPart;
			switch (this.reactorPc) {
				case DECIDE -> {
					if (!this.lane.detached) {
						if (!this.lane.slow) {
							run(part, true);
							finishPart();
							return;
						}
						this.lane.detached = true;
					}
					else if (!this.lane.slow && this.lane.depth.get() == 0 && !this.lane.workerActive.get()) {
						this.lane.detached = false;
						this.reattached = true;
						run(part, true);
						finishPart();
						return;
					}
					this.reactorPc = APPEND;
				}
				case APPEND -> {
					this.lane.backlog.offer(new LanePart(null, part, 0));
					this.lane.depth.incrementAndGet();
					this.reactorPc = SCHEDULE_READ;
				}
				case SCHEDULE_READ -> {
					if (this.lane.workerActive.get()) {
						finishPart();
					}
					else {
						this.reactorPc = SCHEDULE_CAS;
					}
				}
				case SCHEDULE_CAS -> {
					if (this.lane.workerActive.compareAndSet(false, true)) {
						this.workers.add(new int[] { TAKE, -1 });
					}
					finishPart();
				}
				default -> throw new IllegalStateException();
			}
		}

		private void finishPart() {
			this.reactorPc = DECIDE;
			if (++this.nextPart == PARTS) {
				this.reactorDone = true;
			}
		}

		private void workerStep(int[] worker) {
			switch (worker[0]) {
				case TAKE -> {
					LanePart part = this.lane.backlog.poll();
					if (part != null) {
						this.lane.depth.decrementAndGet();
						worker[1] = part.index();
						worker[0] = RUN;
					}
					else {
						worker[0] = LET_GO;
					}
				}
				case RUN -> {
					run(worker[1], false);
					if (worker[1] == 0) {
						this.lane.slow = false; // the lane turns quick on a worker after its first part
					}
					worker[0] = TAKE;
				}
				case LET_GO -> {
					this.lane.workerActive.set(false);
					worker[0] = this.recheck ? RECHECK : EXITED;
				}
				case RECHECK -> {
					worker[0] = (this.lane.depth.get() == 0 || !this.lane.workerActive.compareAndSet(false, true)) ? EXITED
							: TAKE;
				}
				default -> throw new IllegalStateException();
			}
		}

		private void run(int part, boolean onReactor) {
			if (!this.ran.isEmpty() && this.ran.get(this.ran.size() - 1) >= part && this.problem == null) {
				this.problem = "part " + part + " ran after part " + this.ran.get(this.ran.size() - 1);
			}
			boolean workerHoldsAPart = this.workers.stream().anyMatch((w) -> w[0] == RUN);
			if (onReactor && workerHoldsAPart && this.problem == null) {
				this.problem = "part " + part + " ran on the reactor while a worker held one";
			}
			this.ran.add(part);
			if (onReactor) {
				this.inline++;
			}
			else {
				this.onWorkers++;
			}
		}

		String violation() {
			if (this.problem != null) {
				return this.problem;
			}
			if (this.ran.size() != PARTS) {
				return "stranded: ran " + this.ran + ", backlog depth " + this.lane.depth.get();
			}
			return null;
		}

	}

	private static final class HandOffWorld {

		long token;

		int reactorPc;

		int monitorPc;

		long monitorSeen;

		boolean reactorWon;

		boolean monitorWon;

		boolean reactorGoesOn;

		void reactorStep() {
			switch (this.reactorPc++) {
				case 0 -> this.token = 7; // D2
				case 1 -> {
					// D3: the part runs
				}
				case 2 -> { // D4
					if (this.token == 7) {
						this.token = 0;
						this.reactorWon = true;
						this.reactorGoesOn = true;
					}
				}
				default -> throw new IllegalStateException();
			}
		}

		void monitorStep() {
			switch (this.monitorPc++) {
				case 0 -> { // M1
					this.monitorSeen = this.token;
				}
				case 1 -> { // M2
					if (this.monitorSeen > 0 && this.token == this.monitorSeen) {
						this.token = -1;
						this.monitorWon = true;
					}
				}
				default -> throw new IllegalStateException();
			}
		}

	}

}
