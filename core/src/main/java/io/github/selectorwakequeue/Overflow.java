package io.github.selectorwakequeue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where a {@link FanOut} waits, in order, when the ring is full, instead of running on the thread that submitted it:
 * so that under caller-runs each lane still gets its parts one at a time, in the order the queue accepted them,
 * until that lane's own backlog limit is reached. Only then does the overflow policy apply.
 *
 * <h2>Order</h2>
 * <ul>
 * <li>While anything waits here, the queue counts as full: every offer first asks {@link #isEmpty()} (the tail is
 * the entry taken last) and refuses if not, so nothing a producer submits after an append has returned overtakes
 * what waits here (a producer submitting at that very moment is concurrent with it, and either order is an
 * order).</li>
 * <li>The reactor takes from here only when the ring is empty, so everything that entered the ring earlier is
 * dispatched first; once it has taken the last entry, offers use the ring again, and what they submit comes after
 * that entry anyway.</li>
 * <li>The list itself is the signal: an append is visible as non-empty from its exchange of the tail on, and empty
 * again only when the consumer has taken it. An earlier design kept a separate "overflowing" flag, cleared by the
 * reactor when it found the list empty; between that finding and the clear, an append could slip in, and an offer
 * after it could see the flag cleared and overtake it ({@code OverflowInterleavingTests} shows the interleaving).</li>
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

	private static final VarHandle TAIL;

	private static final VarHandle HEAD;

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			TAIL = lookup.findVarHandle(Overflow.class, "tail", Entry.class);
			HEAD = lookup.findVarHandle(Overflow.class, "head", Entry.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final int maxBacklog;

	/**
	 * The newest entry: a producer exchanges itself in, then links the entry it replaced to itself (a field write,
	 * no call, so nothing can strike between the two). An intrusive MPSC list (Vyukov's): one exchange per append,
	 * no CAS loop, no allocation beyond the entry.
	 */
	@SuppressWarnings("unused") // accessed through TAIL
	private volatile Entry tail;

	/** The last entry taken (a stub at first). Written by the consumer with release stores. */
	@SuppressWarnings("unused") // accessed through HEAD
	private volatile Entry head;

	/** Entries appended since the queue was built. */
	private final AtomicLong appended = new AtomicLong();

	/** Entries taken out (by the reactor, or the closer). Written by one of them at a time. */
	private volatile long taken;

	/** Entries the reactor is done with (dispatched in full), in order. Written by the reactor only. */
	private volatile long done;

	Overflow(int maxBacklog) {
		this.maxBacklog = maxBacklog;
		Entry stub = new Entry(null, null, null);
		this.tail = stub;
		this.head = stub;
	}

	/**
	 * Appends a fan-out if each of its lanes has room for one more part (its parts and lanes are asked for here; one
	 * that fails to say is refused, and reported when the policy runs it).
	 * @return whether it was appended
	 */
	boolean tryAppend(FanOut fanOut) {
		Entry entry = reserve(fanOut);
		if (entry == null) {
			return false;
		}
		Entry previous = (Entry) TAIL.getAndSet(this, entry); // from here on, offers refuse: see the class comment
		previous.next = entry;
		this.appended.incrementAndGet();
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
		if (parts == 1) {
			Lane lane = reserve(fanOut, 0);
			return (lane != null) ? new Entry(fanOut, lane, null) : null;
		}
		Lane[] lanes = new Lane[parts];
		for (int index = 0; index < parts; index++) {
			Lane lane = reserve(fanOut, index);
			if (lane == null) {
				release(lanes, index);
				return null;
			}
			lanes[index] = lane;
		}
		return new Entry(fanOut, null, lanes);
	}

	/** Reserves a place in the lane of one part. @return the lane, or {@code null} if it has none to give */
	private Lane reserve(FanOut fanOut, int index) {
		Lane lane;
		try {
			lane = fanOut.lane(index);
		}
		catch (Throwable ex) {
			return null;
		}
		// Read first: a lane at its limit (the usual case when this path fails) costs no write to refuse.
		if (lane == null || lane.overflowed.get() + lane.depth.get() >= this.maxBacklog) {
			return null;
		}
		if (lane.overflowed.incrementAndGet() + lane.depth.get() > this.maxBacklog) {
			lane.overflowed.decrementAndGet();
			return null;
		}
		return lane;
	}

	private static void release(Lane[] lanes, int count) {
		for (int index = 0; index < count; index++) {
			lanes[index].overflowed.decrementAndGet();
		}
	}

	/**
	 * Takes the oldest entry, releasing its reservations (the reactor dispatches it now). The holder of the ring's
	 * consumer role only, and only while the ring is empty.
	 * @return the fan-out, or {@code null}
	 */
	FanOut poll() {
		Entry last = (Entry) HEAD.getOpaque(this);
		Entry next = last.next;
		if (next == null) {
			if ((Entry) TAIL.getVolatile(this) == last) {
				return null;
			}
			// A producer between its exchange and its link: a field write away.
			while ((next = last.next) == null) {
				Thread.onSpinWait();
			}
		}
		HEAD.setRelease(this, next); // the last one out lets offers use the ring again: what they offer comes after it
		this.taken = this.taken + 1;
		FanOut fanOut = next.fanOut;
		if (next.lane != null) {
			next.lane.overflowed.decrementAndGet();
		}
		else {
			release(next.lanes, next.lanes.length);
		}
		next.fanOut = null; // it is the stub now: keep nothing reachable
		next.lane = null;
		next.lanes = null;
		return fanOut;
	}

	/**
	 * Whether anything waits here: the tail is the entry taken last. Any thread; two volatile reads of fields that
	 * change only when something overflows, so every offer can afford it.
	 */
	boolean isEmpty() {
		return (Entry) TAIL.getVolatile(this) == (Entry) HEAD.getAcquire(this);
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

	/** A fan-out waiting here, the lane or lanes it reserved a place in, and the next entry. */
	private static final class Entry {

		FanOut fanOut;

		Lane lane;

		Lane[] lanes;

		volatile Entry next;

		Entry(FanOut fanOut, Lane lane, Lane[] lanes) {
			this.fanOut = fanOut;
			this.lane = lane;
			this.lanes = lanes;
		}

	}

}
