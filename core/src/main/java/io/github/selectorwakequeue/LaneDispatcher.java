package io.github.selectorwakequeue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Hands the parts of a {@link FanOut} to their {@link Lane}s, on the reactor thread.
 *
 * <h2>Per part</h2>
 * A lane on the reactor whose cost is below the slow threshold runs the part inline, at once. Otherwise the part is
 * appended to the lane's backlog and a worker is scheduled if none is active ({@link LaneWorkers}). A detached lane
 * comes back on the reactor when it is quick again, its backlog is empty and no worker is active; only the reactor
 * appends to a backlog, so once it has seen that, no part can be waiting behind the one it runs inline. A lane whose
 * backlog is full stops the dispatch: the rest of the fan-out waits here ({@link #resume()}) and the reactor takes
 * no new task until the lane has room.
 *
 * <h2>Stuck parts: the hand-off protocol</h2>
 * <pre>
 *   reactor thread T1 (inline run)               monitor ({@link LaneMonitor})
 *   D1  publish lane, fan-out, index (plain)       M1  read runToken (acquire); if it is the same non-zero
 *   D2  runToken = t          (release store)           value as a period ago, for longer than the threshold:
 *   D3  run the part                               M2  CAS runToken t → HANDED_OFF; on failure, stop
 *   D4  CAS runToken t → 0                         M3  detach the lane, mark its worker active (T1), mark it stuck,
 *       on failure: T1 was handed off:                  and leave the rest of the fan-out (index + 1 on) for
 *       it runs the lane's backlog as its worker,       {@link #resume()}
 *       then leaves the reactor loop for good      M4  launch T2 as the reactor (the consumer role passes T1 → T2)
 * </pre>
 * D4 and M2 are CAS on the same word from the same expected value: exactly one succeeds, so either the part
 * finished in time and T1 goes on as the reactor, or T1 has been handed off and never touches the ring, the probe
 * or this dispatcher again. D1→D2 (release) and M1 (acquire) make the published lane and fan-out visible to the
 * monitor; everything M3 writes happens before T2 starts. Tokens only grow, so a stale token never matches.
 *
 * <p>Reactor thread only, except {@link #handOff(long)} (the monitor) and {@link #leftovers()} (the closer, once
 * the reactor has stopped polling).
 */
final class LaneDispatcher {

	/** The fan-out was dispatched entirely. */
	static final int DONE = 0;

	/** A lane was full: the rest of the fan-out waits for {@link #resume()}. */
	static final int BLOCKED = 1;

	/** The calling thread was handed off while it ran a part: it is no longer the reactor. */
	static final int HANDED_OFF = 2;

	/** {@link #resume()} found nothing to resume (the closer took it). */
	static final int NOTHING_PENDING = 3;

	private static final long HANDED_OFF_TOKEN = -1;

	private static final VarHandle RUN_TOKEN;

	static {
		try {
			RUN_TOKEN = MethodHandles.lookup().findVarHandle(LaneDispatcher.class, "runToken", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final LaneRuntime runtime;

	/** Non-zero while a part runs inline; see the protocol above. */
	@SuppressWarnings("unused") // accessed through RUN_TOKEN
	private volatile long runToken;

	/** Reactor-owned: the last token issued. */
	private long tokenSequence;

	/** The part running inline (published before the token). */
	private Lane runningLane;

	private FanOut runningFanOut;

	private int runningIndex;

	/**
	 * A fan-out not yet fully dispatched (a full lane, or a hand-off) and the first part left. Taken with
	 * {@code getAndSet}, by the reactor to resume it or by the closer to return it: never both.
	 */
	private final AtomicReference<Continuation> pending = new AtomicReference<>();

	LaneDispatcher(LaneRuntime runtime) {
		this.runtime = runtime;
	}

	/**
	 * Dispatches every part of a fan-out the reactor took from the ring.
	 * @return {@link #DONE}, {@link #BLOCKED} or {@link #HANDED_OFF}
	 */
	int dispatch(FanOut fanOut) {
		return dispatchFrom(fanOut, 0);
	}

	/**
	 * Finishes the fan-out left half-dispatched, if any. The reactor calls it before taking a new task.
	 * @return {@link #DONE} (the fan-out is done), {@link #BLOCKED}, {@link #HANDED_OFF} or {@link #NOTHING_PENDING}
	 */
	int resume() {
		Continuation left = this.pending.getAndSet(null);
		return (left != null) ? dispatchFrom(left.fanOut(), left.from()) : NOTHING_PENDING;
	}

	/** Whether a fan-out is left half-dispatched. */
	boolean isBlocked() {
		return this.pending.get() != null;
	}

	/** Whether the lane a blocked fan-out waits for has room again. */
	boolean blockedLaneHasRoom() {
		Continuation left = this.pending.get();
		return left == null || left.from() >= left.fanOut().parts()
				|| left.fanOut().lane(left.from()).depth.get() < this.runtime.maxBacklog;
	}

	private int dispatchFrom(FanOut fanOut, int from) {
		int parts = fanOut.parts();
		for (int index = from; index < parts; index++) {
			int outcome = this.runtime.enabled ? dispatchPart(fanOut.lane(index), fanOut, index)
					: runInlineStrict(fanOut, index);
			if (outcome == BLOCKED) {
				this.pending.set(new Continuation(fanOut, index));
				return BLOCKED;
			}
			if (outcome == HANDED_OFF) {
				return HANDED_OFF;
			}
		}
		return DONE;
	}

	private int dispatchPart(Lane lane, FanOut fanOut, int index) {
		if (this.runtime.state.isTerminated()) {
			// close gave up waiting while this fan-out was being dispatched: it finishes here, like any task
			// that was running then, and none of its parts is left in a backlog nobody will read
			this.runtime.runner.runPart(fanOut, index);
			return DONE;
		}
		if (!lane.detached) {
			if (!lane.slow) {
				return runInline(lane, fanOut, index);
			}
			lane.detached = true;
		}
		else if (!lane.slow && lane.depth.get() == 0 && !lane.workerActive.get()) {
			lane.detached = false; // quick again, drained, no worker: back on the reactor
			return runInline(lane, fanOut, index);
		}
		if (lane.depth.get() >= this.runtime.maxBacklog) {
			return BLOCKED;
		}
		LanePart part = new LanePart(fanOut, index, this.runtime.clock.nanoTime());
		lane.detachedParts.incrementAndGet();
		lane.backlog.offer(part);
		lane.depth.incrementAndGet();
		if (this.runtime.state.isTerminated() && lane.backlog.remove(part)) {
			// close drained the backlogs before this append saw it (it reads the state after appending): run it
			lane.depth.decrementAndGet();
			this.runtime.runner.runPart(fanOut, index);
			lane.detachedDone.incrementAndGet();
			return DONE;
		}
		if (!lane.workerActive.get() && lane.workerActive.compareAndSet(false, true)) {
			this.runtime.workers.schedule(lane);
		}
		return DONE;
	}

	/**
	 * Runs a part inline, timing the first sixteen runs of a lane, then one in sixteen, and every run while the
	 * lane has a streak of slow ones going (so a lane that turns slow is judged on consecutive parts).
	 */
	private int runInline(Lane lane, FanOut fanOut, int index) {
		int runs = lane.inlineRuns++;
		boolean timed = runs < 16 || (runs & 15) == 0 || lane.streak > 0;
		long start = timed ? this.runtime.clock.nanoTime() : 0;
		this.runningLane = lane; // D1
		this.runningFanOut = fanOut;
		this.runningIndex = index;
		long token = ++this.tokenSequence;
		RUN_TOKEN.setRelease(this, token); // D2
		this.runtime.runner.runPart(fanOut, index); // D3
		if (!RUN_TOKEN.compareAndSet(this, token, 0L)) { // D4
			this.runtime.workers.runHandedOff(lane);
			return HANDED_OFF;
		}
		lane.delivered = lane.delivered + 1;
		if (timed) {
			lane.recordCost(this.runtime.clock.nanoTime() - start, true);
		}
		return DONE;
	}

	/** Lanes switched off: every part inline, in order, one at a time. */
	private int runInlineStrict(FanOut fanOut, int index) {
		this.runtime.runner.runPart(fanOut, index);
		Lane lane = fanOut.lane(index);
		if (lane != null) {
			lane.delivered = lane.delivered + 1;
		}
		return DONE;
	}

	// ---- the monitor ------------------------------------------------------------------------------------

	/** The token of the part running inline now, 0 if none (M1). */
	long runningToken() {
		return (long) RUN_TOKEN.getAcquire(this);
	}

	/**
	 * Steps M2 and M3: takes the part that has been running since {@code token} away from the reactor.
	 * @return the lane that was handed off, or {@code null} if the part finished first
	 */
	Lane handOff(long token) {
		if (token <= 0 || !RUN_TOKEN.compareAndSet(this, token, HANDED_OFF_TOKEN)) { // M2
			return null;
		}
		Lane lane = this.runningLane; // M3
		lane.detachedParts.incrementAndGet(); // the stuck part now runs off the reactor
		lane.detached = true;
		lane.workerActive.set(true);
		lane.stuck = true;
		this.pending.set(new Continuation(this.runningFanOut, this.runningIndex + 1));
		return lane;
	}

	// ---- the closer ---------------------------------------------------------------------------------------

	/** The parts of a half-dispatched fan-out, for close: each runs its part on the calling thread. */
	List<Runnable> leftovers() {
		List<Runnable> left = new ArrayList<>();
		Continuation continuation = this.pending.getAndSet(null);
		if (continuation != null) {
			long now = this.runtime.clock.nanoTime();
			for (int index = continuation.from(); index < continuation.fanOut().parts(); index++) {
				left.add(new LanePart(continuation.fanOut(), index, now));
			}
		}
		return left;
	}

	/** What is left of a fan-out: its parts from {@code from} on. */
	private record Continuation(FanOut fanOut, int from) {
	}

}
