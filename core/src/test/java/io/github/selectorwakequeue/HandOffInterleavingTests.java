package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.github.selectorwakequeue.Interleavings.Access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Exhaustive interleavings of the reactor hand-off (the step table of {@link HandOff}) over the real shared state: a
 * real {@link Lane}, the real {@link ConsumerRole}, a real {@link ReactorSupervisor} (its {@code promote}, with the
 * reactor thread and the spare it makes through {@code start} and {@code prepareSpare}, threads that are never
 * started), the real {@link LaneDispatcher}'s {@code pending} continuation and {@code leftovers()}, real
 * {@link HandOff.Record}s and a real {@link QueueState}.
 *
 * <p><b>A faithful copy of the step order, not HandOff itself.</b> HandOff runs its steps inside two calls that cannot
 * be stopped between steps ({@code runInline}: D1 to D4 and S1 to S4 around the user's part; {@code check}: M1 to M5),
 * and its run token is private; so the four actors below replay its steps in its order, each step one access to the
 * state above, with the token an {@link AtomicLong} compared-and-set exactly as {@code runToken} is:
 * <ul>
 * <li>T1, the reactor thread running a part inline: D2 publish the token; D3 the part returns; D4 CAS the token back;
 * then either it goes on as the reactor (runs the rest of the fan-out), or, handed off, S1 reads the lane's record,
 * S2 waits for {@code published}, S3 clears the lane (one step per field), S4 runs a rest left to it, and S5 lets go
 * of the lane as its worker ({@code workerActive = false});</li>
 * <li>M, the monitor: M1 reads the token, reads it again (seen for longer than the threshold), reads the queue state;
 * M2 writes the record to the lane; M3 CAS the token (on failure, clears the lane's record); M4 one step per shared
 * write: each lane field, {@code pending = rest}, the role CAS ({@code promote}), the take-back of the rest if the
 * closer holds the role, {@code published} (its write to the reactor probe, which none of these actors reads, is
 * left out); M5 wakes the spare;</li>
 * <li>C, the closer: terminate; take the consumer role; {@code leftovers()} (the waits before them only delay it, and
 * the closer may act at any point here, which covers every outcome of those waits);</li>
 * <li>S, the spare, once woken: reads the state (terminated: it lets go of the role and ends), else resumes the
 * pending continuation and runs its parts.</li>
 * </ul>
 * The fan-out has three parts: part 0 is the one running inline (lane "stuck"), parts 1 and 2 are the rest. In every
 * interleaving: exactly one of "T1 goes on" and "the hand-off committed"; part 0 ran once and each part of the rest was
 * run (by T1 or S) or returned (by C) exactly once; nobody is left waiting; after T1 finished the lane is not STUCK, has
 * no worker flagged, no record and no running thread, and its detached parts are all done; never two reactors, and
 * the spare never becomes the reactor after the closer took the role.
 *
 * <p>Schedules that only reorder independent steps are run once ({@link Interleavings#exploreReduced}); a smaller
 * model, small enough to run every schedule, checks that the reduction reaches the same final states there. Each
 * guard of the protocol, removed, makes some interleaving fail: {@code pending} set after the role CAS, T1 not
 * waiting for {@code published}, no take-back of the rest when the closer holds the role, the closer collecting the
 * leftovers before it takes the role.
 */
class HandOffInterleavingTests {

	@Test
	void everyInterleavingCommitsOnceAndRunsOrReturnsTheRestExactlyOnce() {
		Outcome outcome = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> explore(Guards.ALL, false));
		System.out.printf("[hand-off interleavings] %d schedules (classes of equivalent interleavings); %d with the "
				+ "hand-off committed: %d promoted the spare, %d found the closer holding the role; parts of the rest run "
				+ "by T1 %d, by the spare %d, returned by the closer %d%n", outcome.schedules, outcome.committed,
				outcome.promoted, outcome.committed - outcome.promoted, outcome.restByT1, outcome.restBySpare,
				outcome.restReturned);
		assertThat(outcome.violations).isEmpty();
		assertThat(outcome.schedules).isGreaterThan(20);
		assertThat(outcome.promoted).isPositive();
		assertThat(outcome.committed).isGreaterThan(outcome.promoted);
		assertThat(outcome.restByT1).isPositive();
		assertThat(outcome.restBySpare).isPositive();
		assertThat(outcome.restReturned).isPositive();
	}

	@Test
	void theReducedExplorationReachesEveryFinalStateOfTheFullOne() {
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			Set<String> full = new TreeSet<>();
			long[] fullSchedules = new long[1];
			Interleavings.explore(() -> new World(Guards.ALL, true), (world) -> {
				fullSchedules[0]++;
				full.add(world.signature());
			});
			Set<String> reduced = new TreeSet<>();
			long reducedSchedules = Interleavings.exploreReduced(() -> new World(Guards.ALL, true),
					(world) -> reduced.add(world.signature()));
			System.out.printf("[hand-off interleavings] coarse model: %d schedules, %d after reduction, %d final "
					+ "states%n", fullSchedules[0], reducedSchedules, full.size());
			assertThat(reduced).isEqualTo(full);
			assertThat(reducedSchedules).isLessThan(fullSchedules[0]);
		});
	}

	@Test
	void settingPendingAfterTheRoleCasLosesTheRestInSomeInterleaving() {
		assertSomeInterleavingFails(Guards.ALL.pendingAfterRoleCas(), "rest part");
	}

	@Test
	void aStuckThreadThatDoesNotWaitForThePublicationLeavesItsLaneStuckInSomeInterleaving() {
		assertSomeInterleavingFails(Guards.ALL.noWaitForPublished(), "lane left STUCK");
	}

	@Test
	void notTakingTheRestBackWhenTheCloserHoldsTheRoleLosesItInSomeInterleaving() {
		assertSomeInterleavingFails(Guards.ALL.noTakeBack(), "rest part");
	}

	@Test
	void aCloserCollectingTheLeftoversBeforeTakingTheRoleLosesTheRestInSomeInterleaving() {
		assertSomeInterleavingFails(Guards.ALL.leftoversBeforeRole(), "rest part");
	}

	private static void assertSomeInterleavingFails(Guards guards, String violation) {
		Outcome outcome = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> explore(guards, false));
		assertThat(outcome.violations).anySatisfy((found) -> assertThat(found).contains(violation));
	}

	private static Outcome explore(Guards guards, boolean coarse) {
		Outcome outcome = new Outcome();
		outcome.schedules = Interleavings.exploreReduced(() -> new World(guards, coarse), outcome::record);
		return outcome;
	}

	/** The protocol's guards; each test of a missing guard turns one off. */
	record Guards(boolean pendingBeforeRoleCas, boolean waitForPublished, boolean takeBack, boolean roleBeforeLeftovers) {

		static final Guards ALL = new Guards(true, true, true, true);

		Guards pendingAfterRoleCas() {
			return new Guards(false, this.waitForPublished, this.takeBack, this.roleBeforeLeftovers);
		}

		Guards noWaitForPublished() {
			return new Guards(this.pendingBeforeRoleCas, false, this.takeBack, this.roleBeforeLeftovers);
		}

		Guards noTakeBack() {
			return new Guards(this.pendingBeforeRoleCas, this.waitForPublished, false, this.roleBeforeLeftovers);
		}

		Guards leftoversBeforeRole() {
			return new Guards(this.pendingBeforeRoleCas, this.waitForPublished, this.takeBack, false);
		}

	}

	private static final class Outcome {

		long schedules;

		long committed;

		long promoted;

		long restByT1;

		long restBySpare;

		long restReturned;

		final List<String> violations = new ArrayList<>();

		void record(World world) {
			if (world.committed) {
				this.committed++;
			}
			if (world.promoted) {
				this.promoted++;
			}
			this.restByT1 += world.restRuns[World.T1];
			this.restBySpare += world.restRuns[World.SPARE];
			this.restReturned += world.restReturned;
			String violation = world.violation();
			if (violation != null && this.violations.size() < 10) {
				this.violations.add(violation + " in " + world.trace);
			}
		}

	}

	/** The four actors over the real state. Thread numbers: T1, monitor, closer, spare. */
	private static final class World implements Interleavings.Accessing {

		static final int T1 = 0;

		static final int MONITOR = 1;

		static final int CLOSER = 2;

		static final int SPARE = 3;

		static final int DONE = -1;

		// T1's steps
		static final int D2 = 0;

		static final int D3 = 1;

		static final int D4 = 2;

		static final int GO_ON = 3;

		static final int S1 = 4;

		static final int S2 = 5;

		static final int S3_RECORD = 6;

		static final int S3_THREAD = 7;

		static final int S3_SINCE = 8;

		static final int S3_STUCK = 9;

		static final int S3_COUNTS = 10;

		static final int S3_ALL = 11;

		static final int S4 = 12;

		static final int S5 = 13;

		// the monitor's steps
		static final int M1_LOOK = 0;

		static final int M1_AGAIN = 1;

		static final int M1_STATE = 2;

		static final int M2_RECORD = 3;

		static final int M3_CAS = 4;

		static final int M3_UNDO = 5;

		static final int M4_DETACHED_PARTS = 6;

		static final int M4_RUNNING_THREAD = 7;

		static final int M4_RUNNING_SINCE = 8;

		static final int M4_STUCK = 9;

		static final int M4_SLOW = 10;

		static final int M4_DETACHED = 11;

		static final int M4_WORKER_ACTIVE = 12;

		static final int M4_HAND_OFFS = 13;

		static final int M4_LANE_ALL = 14;

		static final int M4_PENDING = 15;

		static final int M4_ROLE = 16;

		static final int M4_TAKE_BACK = 17;

		static final int M4_PUBLISHED = 18;

		static final int M5_GO = 19;

		// the closer's steps
		static final int C1_TERMINATE = 0;

		static final int C2_ROLE = 1;

		static final int C3_LEFTOVERS = 2;

		// the spare's steps
		static final int SP_STATE = 0;

		static final int SP_RESUME = 1;

		static final int SP_RELEASE = 2;

		private static final long TOKEN = 7;

		private static final QueueLog LOG = QueueLog.system();

		private static final TaskRunner RUNNER = new TaskRunner("model", null, null, LOG);

		private static final int PARTS = 3;

		private final Guards guards;

		/**
		 * The small model, to check the reduction against every schedule: the part already running and seen once by
		 * the monitor (T1 from D4, the monitor from its second look), the lane writes as one step on each side (M4,
		 * S3), and a closer that does not terminate the queue, only takes the consumer role and the leftovers.
		 */
		private final boolean coarse;

		// ---- the real state -----------------------------------------------------------------------------------

		final QueueState state = new QueueState();

		final ConsumerRole consumer = new ConsumerRole();

		final ReactorSupervisor supervisor;

		final LaneDispatcher dispatcher;

		final Lane lane;

		final AtomicLong token = new AtomicLong();

		/** The threads the supervisor made: T1, then the spare's. */
		final List<Thread> made = new ArrayList<>();

		final Thread t1;

		final ReactorSupervisor.Spare spare;

		final Thread spareThread;

		final FanOut fanOut = QueueTestSupport.fanOut((index) -> { }, new Lane[PARTS]); // the model counts runs itself

		// ---- the actors -----------------------------------------------------------------------------------------

		final int[] pc = { D2, M1_LOOK, C1_TERMINATE, SP_STATE };

		final List<Integer> monitorProgram = new ArrayList<>();

		int monitorIndex;

		final List<Integer> closerProgram = new ArrayList<>();

		int closerIndex;

		long watched;

		HandOff.Record record;

		LaneDispatcher.Continuation rest;

		HandOff.Record seenByT1;

		boolean spareWoken;

		boolean goesOn;

		boolean committed;

		boolean promoted;

		boolean closerTookRole;

		boolean closerRoleRefused;

		boolean roleTakenBeforePromote;

		boolean noRecordForT1;

		int part0Runs;

		final int[][] runs = new int[PARTS][4];

		final int[] returned = new int[PARTS];

		final int[] restRuns = new int[4];

		int restReturned;

		final StringBuilder trace = new StringBuilder();

		World(Guards guards, boolean coarse) {
			this.guards = guards;
			this.coarse = coarse;
			QueueLog log = LOG;
			TaskRunner runner = RUNNER;
			LaneWorkers workers = new LaneWorkers("model", 1, this.state, runner, Clock.SYSTEM, 10_000, () -> {
			}, new QueueThreads(), InternalThreads.DEFAULT, log);
			LaneRuntime runtime = new LaneRuntime("model", LaneSettings.DEFAULTS, Clock.SYSTEM, runner, this.state, workers,
					log);
			this.dispatcher = new LaneDispatcher(runtime, new Overflow(10_000));
			this.lane = runtime.lane("stuck");
			this.supervisor = new ReactorSupervisor("model", this::neverStarted, null, this.state, this.consumer, null,
					new QueueThreads(), log);
			this.state.start("model");
			this.supervisor.start(); // T1 is the recorded reactor and holds the consumer role
			this.supervisor.prepareSpare(); // M0: the spare exists before the part can get stuck
			this.t1 = this.supervisor.thread();
			this.spare = this.supervisor.spare();
			this.spareThread = this.made.get(1);
			if (coarse) {
				this.monitorProgram.addAll(List.of(M1_LOOK, M1_AGAIN, M1_STATE, M2_RECORD, M3_CAS, M4_LANE_ALL));
			}
			else {
				this.monitorProgram.addAll(List.of(M1_LOOK, M1_AGAIN, M1_STATE, M2_RECORD, M3_CAS, M4_DETACHED_PARTS,
						M4_RUNNING_THREAD, M4_RUNNING_SINCE, M4_STUCK, M4_SLOW, M4_DETACHED, M4_WORKER_ACTIVE, M4_HAND_OFFS));
			}
			this.monitorProgram.addAll(guards.pendingBeforeRoleCas() ? List.of(M4_PENDING, M4_ROLE)
					: List.of(M4_ROLE, M4_PENDING));
			if (guards.takeBack()) {
				this.monitorProgram.add(M4_TAKE_BACK);
			}
			this.monitorProgram.addAll(List.of(M4_PUBLISHED, M5_GO));
			this.closerProgram.addAll(guards.roleBeforeLeftovers() ? List.of(C1_TERMINATE, C2_ROLE, C3_LEFTOVERS)
					: List.of(C1_TERMINATE, C3_LEFTOVERS, C2_ROLE));
			if (coarse) {
				this.token.set(TOKEN); // D2 and D3 done: the part ran, and the monitor saw it running
				this.part0Runs = 1;
				this.pc[T1] = D4;
				this.watched = TOKEN;
				this.monitorProgram.remove(0);
				this.closerProgram.retainAll(List.of(C2_ROLE, C3_LEFTOVERS));
			}
			this.pc[MONITOR] = this.monitorProgram.get(0);
			this.pc[CLOSER] = this.closerProgram.get(0);
		}

		/** A reactor thread that is never started: the model's actors run on the test's thread. */
		private Thread neverStarted(Runnable body) {
			Thread thread = new Thread(body, "modelled-reactor-" + this.made.size()) {
				@Override
				public void start() {
				}
			};
			this.made.add(thread);
			return thread;
		}

		@Override
		public int threads() {
			return 4;
		}

		@Override
		public boolean enabled(int thread) {
			int at = this.pc[thread];
			if (at == DONE) {
				return false;
			}
			return switch (thread) {
				case T1 -> at != S2 || !this.guards.waitForPublished() || this.seenByT1.published;
				case SPARE -> this.spareWoken;
				default -> true;
			};
		}

		@Override
		public Access next(int thread) {
			int at = this.pc[thread];
			return switch (thread) {
				case T1 -> switch (at) {
					case D2 -> Access.writes("token");
					case D3 -> Access.writes("part0");
					case D4 -> Access.updates("token");
					case GO_ON -> Access.reads("state").and(Access.writes("part1", "part2"));
					case S1 -> Access.reads("lane.handOff");
					case S2 -> Access.reads("record.published");
					case S3_RECORD -> Access.writes("lane.handOff");
					case S3_THREAD -> Access.writes("lane.runningThread");
					case S3_SINCE -> Access.writes("lane.runningSince");
					case S3_STUCK -> Access.writes("lane.stuck");
					case S3_COUNTS -> Access.updates("lane.detachedDone");
					case S3_ALL -> Access.writes("lane.handOff", "lane.runningThread", "lane.runningSince", "lane.stuck")
						.and(Access.updates("lane.detachedDone"));
					case S4 -> Access.reads("record.leftover").and(Access.writes("part1", "part2"));
					case S5 -> Access.writes("lane.workerActive");
					default -> throw new IllegalStateException("T1 at " + at);
				};
				case MONITOR -> switch (at) {
					case M1_LOOK, M1_AGAIN -> Access.reads("token");
					case M1_STATE -> Access.reads("state");
					case M2_RECORD, M3_UNDO -> Access.writes("lane.handOff");
					case M3_CAS -> Access.updates("token");
					case M4_DETACHED_PARTS -> Access.updates("lane.detachedParts");
					case M4_RUNNING_THREAD -> Access.writes("lane.runningThread");
					case M4_RUNNING_SINCE -> Access.writes("lane.runningSince");
					case M4_STUCK -> Access.writes("lane.stuck");
					case M4_SLOW -> Access.writes("lane.slow");
					case M4_DETACHED -> Access.writes("lane.detached");
					case M4_WORKER_ACTIVE -> Access.writes("lane.workerActive");
					case M4_HAND_OFFS -> Access.updates("lane.handOffs");
					case M4_LANE_ALL -> Access.writes("lane.runningThread", "lane.runningSince", "lane.stuck", "lane.slow",
							"lane.detached", "lane.workerActive").and(Access.updates("lane.detachedParts", "lane.handOffs"));
					case M4_PENDING -> Access.writes("pending");
					case M4_ROLE -> Access.updates("role", "supervisor");
					case M4_TAKE_BACK -> Access.updates("pending").and(Access.writes("record.leftover"));
					case M4_PUBLISHED -> Access.writes("record.published");
					case M5_GO -> Access.writes("spare.woken");
					default -> throw new IllegalStateException("monitor at " + at);
				};
				case CLOSER -> switch (at) {
					case C1_TERMINATE -> Access.writes("state");
					case C2_ROLE -> Access.updates("role");
					case C3_LEFTOVERS -> Access.updates("pending").and(Access.writes("part1", "part2"));
					default -> throw new IllegalStateException("closer at " + at);
				};
				default -> switch (at) {
					case SP_STATE -> Access.reads("state", "spare.woken");
					case SP_RESUME -> Access.updates("pending").and(Access.writes("part1", "part2"));
					case SP_RELEASE -> Access.updates("role");
					default -> throw new IllegalStateException("spare at " + at);
				};
			};
		}

		@Override
		public void step(int thread) {
			this.trace.append(name(thread)).append(this.pc[thread]).append(' ');
			switch (thread) {
				case T1 -> stepT1();
				case MONITOR -> stepMonitor();
				case CLOSER -> stepCloser();
				default -> stepSpare();
			}
		}

		private static String name(int thread) {
			return switch (thread) {
				case T1 -> "T";
				case MONITOR -> "M";
				case CLOSER -> "C";
				default -> "S";
			};
		}

		// ---- T1 ----------------------------------------------------------------------------------------------------

		private void stepT1() {
			Lane lane = this.lane;
			switch (this.pc[T1]) {
				case D2 -> {
					this.token.set(TOKEN); // runToken.setRelease: the part starts running inline
					this.pc[T1] = D3;
				}
				case D3 -> {
					this.part0Runs++; // the part ran, and returns
					this.pc[T1] = D4;
				}
				case D4 -> {
					if (this.token.compareAndSet(TOKEN, 0L)) {
						this.goesOn = true;
						this.pc[T1] = GO_ON;
					}
					else {
						this.pc[T1] = S1;
					}
				}
				case GO_ON -> { // dispatchFrom goes on: each part runs inline (terminated or not)
					this.state.isTerminated();
					runRest(T1, new LaneDispatcher.Continuation(this.fanOut, PARTS, 1, null, false));
					this.pc[T1] = DONE;
				}
				case S1 -> {
					this.seenByT1 = lane.handOff;
					if (this.seenByT1 == null) {
						this.noRecordForT1 = true; // HandOff would throw a NullPointerException here
						this.pc[T1] = DONE;
					}
					else {
						this.pc[T1] = S2;
					}
				}
				case S2 -> this.pc[T1] = this.coarse ? S3_ALL : S3_RECORD; // enabled once published (if guarded)
				case S3_RECORD -> {
					lane.handOff = null;
					this.pc[T1] = S3_THREAD;
				}
				case S3_THREAD -> {
					lane.runningThread = null;
					this.pc[T1] = S3_SINCE;
				}
				case S3_SINCE -> {
					lane.runningSinceNanos = 0;
					this.pc[T1] = S3_STUCK;
				}
				case S3_STUCK -> {
					lane.stuck = false;
					this.pc[T1] = S3_COUNTS;
				}
				case S3_COUNTS -> {
					lane.delivered = lane.delivered + 1;
					lane.detachedDone.incrementAndGet();
					this.pc[T1] = S4;
				}
				case S3_ALL -> {
					lane.handOff = null;
					lane.runningThread = null;
					lane.runningSinceNanos = 0;
					lane.stuck = false;
					lane.delivered = lane.delivered + 1;
					lane.detachedDone.incrementAndGet();
					this.pc[T1] = S4;
				}
				case S4 -> {
					LaneDispatcher.Continuation left = this.seenByT1.leftover;
					if (left != null) {
						runRest(T1, left);
					}
					this.pc[T1] = S5;
				}
				case S5 -> {
					lane.workerActive.set(false); // runLaneHere: the backlog is empty, it lets go of the lane
					this.pc[T1] = DONE;
				}
				default -> throw new IllegalStateException();
			}
		}

		// ---- the monitor -------------------------------------------------------------------------------------------

		private void stepMonitor() {
			Lane lane = this.lane;
			boolean stop = false;
			switch (this.pc[MONITOR]) {
				case M1_LOOK -> {
					this.watched = this.token.get();
					stop = this.watched <= 0; // nothing runs inline (yet): no hand-off at this look
				}
				case M1_AGAIN -> stop = this.token.get() != this.watched; // the part ended: nothing to hand off
				case M1_STATE -> stop = this.state.isTerminated();
				case M2_RECORD -> {
					this.record = new HandOff.Record(this.supervisor.thread(), lane, 1, 2, this.supervisor.spare());
					this.rest = new LaneDispatcher.Continuation(this.fanOut, PARTS, 1, null, false);
					lane.handOff = this.record;
				}
				case M3_CAS -> {
					if (this.token.compareAndSet(this.watched, HandOff.HANDED_OFF)) {
						this.committed = true;
					}
					else {
						this.pc[MONITOR] = M3_UNDO;
						return;
					}
				}
				case M3_UNDO -> {
					lane.handOff = null;
					stop = true;
				}
				case M4_DETACHED_PARTS -> lane.detachedParts.incrementAndGet();
				case M4_RUNNING_THREAD -> lane.runningThread = this.record.stuck;
				case M4_RUNNING_SINCE -> lane.runningSinceNanos = this.record.sinceNanos;
				case M4_STUCK -> lane.stuck = true;
				case M4_SLOW -> lane.slow = true;
				case M4_DETACHED -> lane.detached = true;
				case M4_WORKER_ACTIVE -> lane.workerActive.set(true);
				case M4_HAND_OFFS -> lane.handOffs = lane.handOffs + 1;
				case M4_LANE_ALL -> {
					lane.detachedParts.incrementAndGet();
					lane.runningThread = this.record.stuck;
					lane.runningSinceNanos = this.record.sinceNanos;
					lane.stuck = true;
					lane.slow = true;
					lane.detached = true;
					lane.workerActive.set(true);
					lane.handOffs = lane.handOffs + 1;
				}
				case M4_PENDING -> this.dispatcher.pending.set(this.rest);
				case M4_ROLE -> {
					this.promoted = this.supervisor.promote(this.record.stuck, this.record.spare);
					this.record.promoted = this.promoted;
					if (this.promoted && this.closerTookRole) {
						this.roleTakenBeforePromote = true;
					}
				}
				case M4_TAKE_BACK -> this.record.leftover = this.dispatcher.pending.getAndSet(null);
				case M4_PUBLISHED -> this.record.published = true;
				case M5_GO -> {
					this.spare.go();
					this.spareWoken = true;
				}
				default -> throw new IllegalStateException();
			}
			this.pc[MONITOR] = stop ? DONE : nextMonitorStep();
		}

		/** The next step of the monitor's program that applies (the take-back only if not promoted, M5 only if). */
		private int nextMonitorStep() {
			while (++this.monitorIndex < this.monitorProgram.size()) {
				int step = this.monitorProgram.get(this.monitorIndex);
				if ((step == M4_TAKE_BACK && this.promoted) || (step == M5_GO && !this.promoted)) {
					continue;
				}
				return step;
			}
			return DONE;
		}

		// ---- the closer --------------------------------------------------------------------------------------------

		private void stepCloser() {
			switch (this.pc[CLOSER]) {
				case C1_TERMINATE -> {
					this.state.beginClose();
					this.state.terminate();
				}
				case C2_ROLE -> {
					if (this.consumer.takeForCloser()) {
						this.closerTookRole = true;
					}
					else {
						this.closerRoleRefused = true;
					}
				}
				case C3_LEFTOVERS -> {
					for (Runnable left : this.dispatcher.leftovers()) {
						int index = ((LanePart) left).index();
						this.returned[index]++;
						this.restReturned++;
					}
				}
				default -> throw new IllegalStateException();
			}
			this.pc[CLOSER] = (++this.closerIndex < this.closerProgram.size()) ? this.closerProgram.get(this.closerIndex)
					: DONE;
		}

		// ---- the spare ---------------------------------------------------------------------------------------------

		private void stepSpare() {
			switch (this.pc[SPARE]) {
				case SP_STATE -> this.pc[SPARE] = this.state.isTerminated() ? SP_RELEASE : SP_RESUME;
				case SP_RESUME -> {
					LaneDispatcher.Continuation left = this.dispatcher.pending.getAndSet(null); // resume()
					if (left != null) {
						runRest(SPARE, left);
					}
					this.pc[SPARE] = DONE;
				}
				case SP_RELEASE -> {
					this.consumer.release(this.spareThread); // exited(TERMINATED): lets go of the role if it holds it
					this.pc[SPARE] = DONE;
				}
				default -> throw new IllegalStateException();
			}
		}

		private void runRest(int by, LaneDispatcher.Continuation left) {
			for (int index = left.from(); index < left.parts(); index++) {
				this.runs[index][by]++;
				this.restRuns[by]++;
			}
		}

		// ---- the checks --------------------------------------------------------------------------------------------

		String violation() {
			for (int thread = 0; thread < 4; thread++) {
				boolean spareNeverWoken = thread == SPARE && !this.spareWoken;
				if (this.pc[thread] != DONE && !spareNeverWoken) {
					return name(thread) + " waits for ever at step " + this.pc[thread];
				}
			}
			if (this.noRecordForT1) {
				return "T1 lost its D4 but found no hand-off record";
			}
			if (this.goesOn == this.committed) {
				return this.goesOn ? "T1 went on although the hand-off committed" : "neither went on nor committed";
			}
			if (this.part0Runs != 1) {
				return "part 0 ran " + this.part0Runs + " times";
			}
			for (int index = 1; index < PARTS; index++) {
				int ran = this.runs[index][T1] + this.runs[index][SPARE];
				if (ran + this.returned[index] != 1) {
					return "rest part " + index + " ran " + ran + " times and was returned " + this.returned[index] + " times";
				}
			}
			if (this.lane.stuck || this.lane.runningThread != null) {
				return "lane left STUCK after T1 finished (running thread " + this.lane.runningThread + ")";
			}
			if (this.lane.workerActive.get()) {
				return "lane left with workerActive after T1 finished";
			}
			if (this.lane.handOff != null) {
				return "lane left with a hand-off record";
			}
			if (this.lane.detachedParts.get() != this.lane.detachedDone.get()) {
				return "lane gave " + this.lane.detachedParts.get() + " parts off the reactor, " + this.lane.detachedDone.get()
						+ " done";
			}
			if (this.goesOn && this.promoted) {
				return "two reactors: T1 went on and the spare was promoted";
			}
			if (this.roleTakenBeforePromote) {
				return "the spare became the reactor after the closer took the consumer role";
			}
			if (this.closerRoleRefused) {
				return "the closer could not take the consumer role";
			}
			if (this.supervisor.thread() != (this.promoted ? this.spareThread : this.t1)) {
				return "the recorded reactor thread is " + this.supervisor.thread();
			}
			return null;
		}

		/** The final state, for comparing explorations. */
		String signature() {
			return "goesOn=" + this.goesOn + " committed=" + this.committed + " promoted=" + this.promoted + " runs="
					+ java.util.Arrays.deepToString(this.runs) + " returned=" + java.util.Arrays.toString(this.returned)
					+ " lane=" + this.lane.stuck + "/" + this.lane.workerActive.get() + "/" + (this.lane.handOff != null) + "/"
					+ this.lane.detached + " violation=" + violation();
		}

	}

}
