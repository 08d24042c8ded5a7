package io.github.selectorwakequeue;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where a {@link FanOut} waits, in order, when the ring is full, instead of running on the thread that submitted it:
 * so that under caller-runs each lane still gets its parts one at a time, in the order the queue accepted them,
 * until that lane's own backlog limit is reached. Only then does the overflow policy apply.
 *
 * <h2>Order</h2>
 * <ul>
 * <li>While anything waits here, the queue counts as full: the state word's overflow bit, which every offer reads
 * anyway before it touches the ring, makes {@code offer} refuse, so nothing a producer submits later overtakes what
 * waits here (a producer submitting at that very moment is concurrent with it, and either order is an order).</li>
 * <li>The reactor takes from here only when the ring is empty, so everything that entered the ring earlier is
 * dispatched first.</li>
 * <li>The bit is set before an entry is appended and checked again after; the reactor clears it when it finds this
 * empty and checks again after. Either the appender sees the bit cleared and sets it again, or the reactor sees the
 * entry and does: a Dekker pair (the state word is a CAS, the queue's links are volatile).</li>
 * </ul>
 *
 * <h2>Bounded</h2>
 * An entry reserves one place in the backlog of each lane it addresses (the producer asks the fan-out for its parts
 * and lanes, once); if any of those lanes already has {@code maxBacklog} parts waiting, counting reservations, the
 * entry is refused and the overflow policy applies to it. So what waits here is bounded by the lanes' limits.
 *
 * <p>Producers: {@link #tryAppend}; whoever holds the ring's consumer role (the reactor, or the closer after it):
 * {@link #poll()}; the reactor: {@link #markDone()}.
 * Thread-safe; never blocks.
 */
final class Overflow {

	private final QueueState state;

	private final TaskRunner runner;

	private final int maxBacklog;

	private final ConcurrentLinkedQueue<Entry> waiting = new ConcurrentLinkedQueue<>();

	/** Entries appended since the queue was built. */
	private final AtomicLong appended = new AtomicLong();

	/** Entries taken out (by the reactor, or the closer). Written by one of them at a time. */
	private volatile long taken;

	/** Entries the reactor is done with (dispatched in full), in order. Written by the reactor only. */
	private volatile long done;

	Overflow(QueueState state, TaskRunner runner, int maxBacklog) {
		this.state = state;
		this.runner = runner;
		this.maxBacklog = maxBacklog;
	}

	/**
	 * Appends a fan-out if each of its lanes has room for one more part (its parts and lanes are asked for here,
	 * through the runner: one that fails to say is refused, and its failure reported).
	 * @return whether it was appended
	 */
	boolean tryAppend(FanOut fanOut) {
		Entry entry = reserve(fanOut);
		if (entry == null) {
			return false;
		}
		if (!this.state.isOverflowing()) {
			this.state.setOverflowing(); // a CAS only when it is not set already (while overflowing it is)
		}
		this.waiting.offer(entry);
		this.appended.incrementAndGet();
		if (!this.state.isOverflowing()) {
			this.state.setOverflowing(); // the reactor found us empty just before the append: see the class comment
		}
		return true;
	}

	private Entry reserve(FanOut fanOut) {
		int parts;
		try {
			parts = fanOut.parts();
		}
		catch (Throwable ex) {
			return null; // caller-runs will ask again, and report it there
		}
		if (parts <= 0) {
			return null;
		}
		Lane[] lanes = new Lane[parts];
		for (int index = 0; index < parts; index++) {
			Lane lane;
			try {
				lane = fanOut.lane(index);
			}
			catch (Throwable ex) {
				lane = null;
			}
			// Read first: a lane at its limit (the usual case when this path fails) costs no write to refuse.
			if (lane == null || lane.overflowed.get() + lane.depth.get() >= this.maxBacklog) {
				release(lanes, index);
				return null;
			}
			if (lane.overflowed.incrementAndGet() + lane.depth.get() > this.maxBacklog) {
				lane.overflowed.decrementAndGet();
				release(lanes, index);
				return null;
			}
			lanes[index] = lane;
		}
		return new Entry(fanOut, lanes);
	}

	private static void release(Lane[] lanes, int count) {
		for (int index = 0; index < count; index++) {
			lanes[index].overflowed.decrementAndGet();
		}
	}

	/**
	 * Takes the oldest entry, releasing its reservations (the reactor dispatches it now). Clears the overflow bit
	 * when there is none (and sets it again if one arrived meanwhile). The holder of the ring's consumer role only,
	 * and only while the ring is empty.
	 * @return the fan-out, or {@code null}
	 */
	FanOut poll() {
		Entry entry = this.waiting.poll();
		if (entry != null) {
			this.taken = this.taken + 1;
			release(entry.lanes, entry.lanes.length);
			return entry.fanOut;
		}
		if (this.state.isOverflowing()) {
			this.state.clearOverflowing();
			if (!this.waiting.isEmpty()) {
				this.state.setOverflowing();
			}
		}
		return null;
	}

	/** Whether anything waits here (the reactor's re-check before it sleeps). */
	boolean isEmpty() {
		return this.waiting.isEmpty();
	}

	/** The reactor is done with the entry it took last (its every part handed over). */
	void markDone() {
		this.done = this.done + 1;
	}

	/** Entries appended so far: with {@link #done()}, what a quiescence wait counts. */
	long appended() {
		return this.appended.get();
	}

	long done() {
		return this.done;
	}

	/** Entries waiting now (from two counters: cheap, approximate while they move). */
	int size() {
		return (int) Math.max(0, Math.min(Integer.MAX_VALUE, this.appended.get() - this.taken));
	}

	/** A fan-out waiting here and the lanes it reserved a place in. */
	private record Entry(FanOut fanOut, Lane[] lanes) {
	}

}
