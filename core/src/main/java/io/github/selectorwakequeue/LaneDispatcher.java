package io.github.selectorwakequeue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Hands the parts of a {@link FanOut} to their {@link Lane}s, on the reactor thread.
 *
 * <h2>Per part</h2>
 * A lane on the reactor whose cost is below the slow threshold runs the part inline, at once (through
 * {@link HandOff#runInline}, which hands the reactor off if the part gets stuck). Otherwise the part is appended to
 * the lane's backlog and a worker is scheduled if none is active ({@link LaneWorkers}). A detached lane comes back
 * on the reactor when it is quick again, its backlog is empty and no worker is active; only the reactor appends to
 * a backlog, so once it has seen that, no part can be waiting behind the one it runs inline. A lane whose backlog
 * is full stops the dispatch: the rest of the fan-out waits here ({@link #resume()}) and the reactor takes no new
 * task until the lane has room.
 *
 * <p>A fan-out's {@code parts()} and {@code lane(i)} are user code, asked once per part through the
 * {@link TaskRunner}, which contains their failures: a part whose lane cannot be had is reported as failed and the
 * others go on.
 *
 * <p>Reactor thread only, except {@link #leftovers()} (the closer, once it holds the consumer role).
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

	private final LaneRuntime runtime;

	/**
	 * A fan-out not yet fully dispatched (a full lane, or a hand-off) and the first part left. Taken with
	 * {@code getAndSet}, by the reactor to resume it or by the closer to return it: never both.
	 */
	final AtomicReference<Continuation> pending = new AtomicReference<>();

	private final Overflow overflow;

	private HandOff handOff;

	LaneDispatcher(LaneRuntime runtime, Overflow overflow) {
		this.runtime = runtime;
		this.overflow = overflow;
	}

	/** Completes construction: the hand-off protocol needs the supervisor, which needs the reactor, which needs us. */
	void handOffWith(HandOff handOff) {
		this.handOff = handOff;
	}

	/**
	 * Dispatches every part of a fan-out the reactor took from the ring.
	 * @return {@link #DONE}, {@link #BLOCKED} or {@link #HANDED_OFF}
	 */
	int dispatch(FanOut fanOut) {
		int parts = this.runtime.runner.parts(fanOut);
		return (parts > 0) ? dispatchFrom(fanOut, parts, 0, false) : DONE;
	}

	/**
	 * Dispatches a fan-out the reactor took from the {@link Overflow}; it counts as done there once its last part
	 * has been handed over.
	 * @return {@link #DONE}, {@link #BLOCKED} or {@link #HANDED_OFF}
	 */
	int dispatchOverflowed(FanOut fanOut) {
		int parts = this.runtime.runner.parts(fanOut);
		if (parts > 0) {
			return dispatchFrom(fanOut, parts, 0, true);
		}
		this.overflow.markDone();
		return DONE;
	}

	/**
	 * Finishes the fan-out left half-dispatched, if any. The reactor calls it before taking a new task.
	 * @return {@link #DONE} (the fan-out is done), {@link #BLOCKED}, {@link #HANDED_OFF} or {@link #NOTHING_PENDING}
	 */
	int resume() {
		Continuation left = this.pending.getAndSet(null);
		return (left != null) ? dispatchFrom(left.fanOut(), left.parts(), left.from(), left.fromOverflow())
				: NOTHING_PENDING;
	}

	/** Whether a fan-out is left half-dispatched. */
	boolean isBlocked() {
		return this.pending.get() != null;
	}

	/** Whether the lane a blocked fan-out waits for has room again (no user code: the lane is remembered). */
	boolean blockedLaneHasRoom() {
		Continuation left = this.pending.get();
		return left == null || left.blockedOn() == null || left.blockedOn().depth.get() < this.runtime.maxBacklog;
	}

	private int dispatchFrom(FanOut fanOut, int parts, int from, boolean fromOverflow) {
		TaskRunner runner = this.runtime.runner;
		for (int index = from; index < parts; index++) {
			Lane lane = runner.lane(fanOut, index);
			if (lane == null) {
				continue; // reported as that part's failure
			}
			int outcome = this.runtime.enabled ? dispatchPart(lane, fanOut, parts, index, fromOverflow)
					: runInlineStrict(lane, fanOut, index);
			if (outcome == BLOCKED) {
				this.pending.set(new Continuation(fanOut, parts, index, lane, fromOverflow));
				return BLOCKED;
			}
			if (outcome == HANDED_OFF) {
				return HANDED_OFF;
			}
		}
		if (fromOverflow) {
			this.overflow.markDone();
		}
		return DONE;
	}

	private int dispatchPart(Lane lane, FanOut fanOut, int parts, int index, boolean fromOverflow) {
		if (this.runtime.state.isTerminated()) {
			// close gave up waiting while this fan-out was being dispatched: it finishes here, like any task
			// that was running then, and none of its parts is left in a backlog nobody will read
			this.runtime.runner.runOwnPart(fanOut, index);
			return DONE;
		}
		if (!lane.detached) {
			if (!lane.slow) {
				return this.handOff.runInline(lane, fanOut, parts, index, fromOverflow);
			}
			lane.detached = true;
		}
		else if (!lane.slow && lane.depth.get() == 0 && !lane.workerActive.get()) {
			lane.detached = false; // quick again, drained, no worker: back on the reactor
			return this.handOff.runInline(lane, fanOut, parts, index, fromOverflow);
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
			this.runtime.runner.runOwnPart(fanOut, index);
			lane.detachedDone.incrementAndGet();
			return DONE;
		}
		if (!lane.workerActive.get() && lane.workerActive.compareAndSet(false, true)) {
			this.runtime.workers.schedule(lane);
		}
		return DONE;
	}

	/** Lanes switched off: every part inline, in order, one at a time. */
	private int runInlineStrict(Lane lane, FanOut fanOut, int index) {
		this.runtime.runner.runOwnPart(fanOut, index);
		lane.countDelivered();
		return DONE;
	}

	// ---- the closer ---------------------------------------------------------------------------------------

	/** The parts of a half-dispatched fan-out, for close: each runs its part on the calling thread. */
	List<Runnable> leftovers() {
		List<Runnable> left = new ArrayList<>();
		Continuation continuation = this.pending.getAndSet(null);
		if (continuation != null) {
			long now = this.runtime.clock.nanoTime();
			for (int index = continuation.from(); index < continuation.parts(); index++) {
				left.add(new LanePart(continuation.fanOut(), index, now));
			}
		}
		return left;
	}

	/**
	 * What is left of a fan-out: its parts from {@code from} on, of {@code parts} (asked once, at its dispatch), the
	 * full lane it waits for, if that is why it stopped, and whether it came from the {@link Overflow}.
	 */
	record Continuation(FanOut fanOut, int parts, int from, Lane blockedOn, boolean fromOverflow) {
	}

}
