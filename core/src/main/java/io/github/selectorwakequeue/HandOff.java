package io.github.selectorwakequeue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The reactor hand-off, in one place: a lane's part that runs inline on the reactor for longer than its lane's
 * stuck threshold keeps its thread, and a spare reactor thread, parked in advance, carries on with everything else
 * at once (as Go's scheduler hands a processor off from a thread blocked in a system call). The thread left with
 * the part then works through that lane's backlog, as its worker, and ends.
 *
 * <h2>The protocol</h2>
 * Everything the hand-off needs is prepared before it commits; it commits with one CAS; it publishes its new state
 * right after, with field writes and CAS only; and only then does anybody call out (unpark the spare, log).
 * <pre>
 *   reactor thread T1 (inline part)            monitor ({@link LaneMonitor})                 closer
 *   D1 publish lane, fan-out, index (plain)   M0 a spare thread S is started and parked
 *   D2 runToken = t (release)                      ({@link ReactorSupervisor#prepareSpare}; the factory
 *   D3 run the part (contained)                    may throw or block: no hand-off until S exists)
 *   D4 CAS runToken t → 0                      M1 read runToken (acquire): the same t as since a time
 *      success: T1 goes on as the reactor          longer than the lane's threshold?
 *      failure: T1 was handed off: S1..S4      M2 prepare: the record (T1, lane, since, S) and the rest of
 *                                                  the fan-out (index + 1 on); lane.handOff = record
 *   stuck thread T1 (after D4 failed)          M3 commit: CAS runToken t → HANDED_OFF; on failure clear
 *   S1 record = lane.handOff                       lane.handOff and stop (the part finished in time)
 *   S2 wait until record.published            M4 publish (no call out): the lane is detached, its worker
 *      (M4 is a few field writes)                  is T1, it shows STUCK; pending = the rest; the consumer      C1 terminate
 *   S3 the part is done: the lane's               role passes T1 → S (CAS) and S becomes the recorded       C2 take the consumer
 *      counters, its cost; it is no longer         reactor; if the closer holds the role instead, the          role (CAS)
 *      stuck                                       rest is taken back from pending and left to T1;           C3 return what is in
 *   S4 finish a rest left to it (closed:           record.published = true                                      pending
 *      inline), then run the lane's backlog    M5 unpark S (if it became the reactor); then log
 *      as its worker; then end
 * </pre>
 * D4 and M3 are CAS on the same word from the same expected value: exactly one succeeds. Tokens only grow, so a
 * token the monitor saw can never come back after the part ended, and the lane and fan-out read after acquiring it
 * are that part's. T1's lane writes (S3) come after M4's (S2 waits for them), so a lane is never left STUCK by a
 * write that landed late. The rest of the fan-out is in {@code pending} before the role CAS, so whoever holds the
 * role after it (S, or the closer who took it first) finds it there, and exactly one of S, the closer and T1 runs or
 * returns it. The recorded reactor thread changes to S before T1 can leave (S2), so a closer following the reactor
 * thread never sees T1 dead with no successor recorded. Nothing from M3 to M4 allocates, calls user code, logs, or
 * waits.
 *
 * <p>Reactor side: {@link #runInline}; monitor side: {@link #check(long)}; T1 after D4 fails: S1 to S4, inside
 * {@code runInline}.
 */
final class HandOff {

	/** The token once the monitor has committed a hand-off of the part that held it. */
	static final long HANDED_OFF = -1;

	/** How much later than twice its period a look may come and still count as on time. */
	static final long OVERSLEEP_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	private static final VarHandle RUN_TOKEN;

	static {
		try {
			RUN_TOKEN = MethodHandles.lookup().findVarHandle(HandOff.class, "runToken", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final LaneRuntime runtime;

	private final ReactorSupervisor supervisor;

	private final ReactorProbe probe;

	private final AtomicReference<LaneDispatcher.Continuation> pending;

	private final AtomicLong cutShort;

	/** Non-zero while a part runs inline (D2 to D4); {@link #HANDED_OFF} once that part was handed off. */
	@SuppressWarnings("unused") // accessed through RUN_TOKEN
	private volatile long runToken;

	/** Reactor-owned: the last token issued. */
	private long tokenSequence;

	/** The part running inline (D1, published by the token's release store). */
	private Lane runningLane;

	private FanOut runningFanOut;

	private int runningParts;

	private int runningIndex;

	private boolean runningFromOverflow;

	/** Monitor-owned: the token seen at the last look, and since when; when the last look was. */
	private long watchedToken;

	private long watchedSince;

	private long lastLook;

	HandOff(LaneRuntime runtime, ReactorSupervisor supervisor, ReactorProbe probe, LaneDispatcher dispatcher) {
		this.runtime = runtime;
		this.supervisor = supervisor;
		this.probe = probe;
		this.pending = dispatcher.pending;
		this.cutShort = dispatcher.cutShort;
	}

	// ---- the reactor ------------------------------------------------------------------------------------------

	/**
	 * Runs a part inline on the reactor (D1 to D4), timing the first sixteen runs of a lane, then one in sixteen,
	 * and every run while the lane has a streak of slow ones going (so a lane that turns slow is judged on
	 * consecutive parts).
	 * @return {@link LaneDispatcher#DONE}, or {@link LaneDispatcher#HANDED_OFF} if the calling thread was handed off
	 * (it has then finished that lane's work and must leave the reactor's alone)
	 */
	int runInline(Lane lane, FanOut fanOut, int parts, int index, boolean fromOverflow) {
		int runs = lane.inlineRuns++;
		boolean timed = runs < 16 || (runs & 15) == 0 || lane.streak > 0;
		Clock clock = this.runtime.clock;
		long start = timed ? Clock.readHolding(clock) : 0;
		this.runningLane = lane; // D1
		this.runningFanOut = fanOut;
		this.runningParts = parts;
		this.runningIndex = index;
		this.runningFromOverflow = fromOverflow;
		long token = ++this.tokenSequence;
		RUN_TOKEN.setRelease(this, token); // D2
		try {
			this.runtime.runner.runOwnPart(fanOut, index); // D3
		}
		catch (Throwable ex) {
			// An error while the runner contained the part's own failure (it contains everything else): the part is
			// over all the same, and this thread must still learn whether it is the reactor.
			this.runtime.log.log(System.Logger.Level.ERROR, "An error escaped while a failing part of lane '"
					+ lane.name() + "' was reported", ex);
		}
		if (!RUN_TOKEN.compareAndSet(this, token, 0L)) { // D4
			finishHandedOff(lane);
			return LaneDispatcher.HANDED_OFF;
		}
		this.runningFanOut = null; // the event it carries is garbage once delivered: keep nothing reachable
		lane.countDelivered();
		if (timed) {
			lane.recordCost(Clock.readHolding(clock) - start, true);
		}
		return LaneDispatcher.DONE;
	}

	/** Steps S1 to S4, on the thread that was handed off, once its part has returned. */
	private void finishHandedOff(Lane lane) {
		Record record = lane.handOff; // S1: written before the CAS our D4 lost to
		for (int spins = 0; !record.published; spins++) { // S2: a few field writes away
			if (spins < 64) {
				Thread.onSpinWait();
			}
			else {
				Thread.yield();
			}
		}
		long now = Clock.readHolding(this.runtime.clock); // S3
		lane.handOff = null;
		lane.runningThread = null;
		lane.runningSinceNanos = 0;
		lane.stuck = false;
		lane.countDelivered();
		lane.detachedDone.incrementAndGet();
		lane.warmedUp = true; // judged even as the lane's first part: it is why the lane left the reactor
		lane.recordCost(now - record.sinceNanos, false);
		LaneDispatcher.Continuation rest = record.leftover; // S4
		if (rest != null) {
			// closed meanwhile: the rest runs here, as any task then running, each part after its lane's current one
			for (int index = rest.from(); index < rest.parts(); index++) {
				Lane other = this.runtime.runner.lane(rest.fanOut(), index);
				if (other == null) {
					continue;
				}
				if (other != lane) {
					other.awaitNoRunner();
				}
				this.runtime.runner.runOwnPart(rest.fanOut(), index);
			}
		}
		this.runtime.workers.runLaneHere(lane);
	}

	/** Whether a part runs inline now: the monitor looks more often then. */
	boolean isRunningInline() {
		return (long) RUN_TOKEN.getAcquire(this) > 0;
	}

	// ---- the monitor ------------------------------------------------------------------------------------------

	/**
	 * One look (M1); hands the part off (M2 to M5) once it has been seen running inline for longer than its lane's
	 * threshold, by looks each on time, and a spare reactor is ready. Monitor thread only.
	 * @param periodNanos how long the monitor meant to wait since its last look
	 * @return the hand-off committed and published by this call, for the monitor to report, or {@code null}
	 */
	Record check(long now, long periodNanos) {
		long token = (long) RUN_TOKEN.getAcquire(this); // M1
		boolean late = now - this.lastLook > 2 * periodNanos + OVERSLEEP_SLACK_NANOS;
		this.lastLook = now;
		if (token <= 0 || token != this.watchedToken || late) {
			// A look that comes late (the whole process paused for a collection, or the machine too busy to run
			// the monitor on time) says nothing about the part: what counts is time seen running, look after look.
			this.watchedToken = token;
			this.watchedSince = now;
			return null;
		}
		Lane lane = this.runningLane;
		FanOut fanOut = this.runningFanOut;
		if (lane == null || fanOut == null) {
			return null; // read after the part ended (cleared after D4): the CAS below would fail anyway
		}
		long ran = now - this.watchedSince;
		if (ran < this.runtime.stuckFloorNanos || this.runtime.state.isTerminated()) {
			return null;
		}
		Thread running = this.supervisor.thread();
		if (ran < this.runtime.stuckThresholdOf(lane, running.getState() != Thread.State.RUNNABLE)) {
			return null;
		}
		ReactorSupervisor.Spare spare = this.supervisor.spare();
		if (spare == null) {
			return null; // M0 has not succeeded yet (the thread factory fails or is slow): look again later
		}
		Record record = new Record(running, lane, this.watchedSince, now, spare); // M2
		LaneDispatcher.Continuation rest = new LaneDispatcher.Continuation(fanOut, this.runningParts,
				this.runningIndex + 1, null, this.runningFromOverflow);
		lane.handOff = record;
		if (!RUN_TOKEN.compareAndSet(this, token, HANDED_OFF)) { // M3
			lane.handOff = null;
			return null;
		}
		this.watchedToken = 0;
		publish(record, rest); // M4
		if (record.promoted) {
			spare.go(); // M5
		}
		return record;
	}

	/** Step M4: field writes and CAS only. */
	private void publish(Record record, LaneDispatcher.Continuation rest) {
		Lane lane = record.lane;
		lane.detachedParts.incrementAndGet(); // the stuck part now runs off the reactor
		lane.runningThread = record.stuck;
		lane.runningSinceNanos = record.sinceNanos;
		lane.stuck = true;
		lane.slow = true;
		lane.detached = true;
		lane.workerActive.set(true); // its worker is the stuck thread
		lane.handOffs = lane.handOffs + 1;
		this.pending.set(rest);
		if (this.supervisor.promote(record.stuck, record.spare)) {
			record.promoted = true;
		}
		else {
			record.leftover = this.pending.getAndSet(null); // the closer holds the role; unless it took the rest, T1 runs it
			if (record.leftover != null) {
				this.cutShort.incrementAndGet();
			}
		}
		this.probe.idle(); // the stuck thread never touches the probe again, and the spare has not started
		record.published = true;
	}

	/** What a committed hand-off was about: for the stuck thread (S1 to S4) and for the monitor's report. */
	static final class Record {

		final Thread stuck;

		final Lane lane;

		final long sinceNanos;

		final long committedNanos;

		final ReactorSupervisor.Spare spare;

		/** Whether the spare became the reactor (M4); written before {@link #published}. */
		boolean promoted;

		/** The rest of the fan-out, if the closer held the role and did not take it (M4); before published. */
		LaneDispatcher.Continuation leftover;

		volatile boolean published;

		Record(Thread stuck, Lane lane, long sinceNanos, long committedNanos, ReactorSupervisor.Spare spare) {
			this.stuck = stuck;
			this.lane = lane;
			this.sinceNanos = sinceNanos;
			this.committedNanos = committedNanos;
			this.spare = spare;
		}

		/** How long the part had run when it was handed off, in milliseconds. */
		long ranMillis() {
			return TimeUnit.NANOSECONDS.toMillis(this.committedNanos - this.sinceNanos);
		}

	}

}
