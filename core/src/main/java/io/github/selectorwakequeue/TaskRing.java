package io.github.selectorwakequeue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bounded lock-free MPSC ring the producers write into, with the one rule its consumer needs to survive a
 * producer that dies half-way through an offer.
 *
 * <p>The algorithm is JCTools' {@code MpscArrayQueue}: an array allocated once, up front (so {@code offer} never
 * allocates and an {@link OutOfMemoryError} cannot strike inside it); producers claim a slot with a CAS on the
 * producer index, checked against a cached limit so they rarely read the consumer's index; the single consumer
 * reads its slot, clears it and publishes its index with a release store. It is ours, written with
 * {@link VarHandle}s (no {@code Unsafe}, so it runs unchanged in a native image), for one difference: the
 * producer stores its element with a CAS, not a plain ordered write, so that a slot the consumer gave up on can
 * refuse a late store and its producer learns that its task was not accepted. JCTools' {@code offer} can neither
 * fail a store nor tell which slot it claimed.
 *
 * <h2>The dead-slot rule</h2>
 * A producer that dies between its claim and its store (a {@link StackOverflowError} thrown at a method entry
 * while the code still runs interpreted) leaves a claimed, empty slot: a <em>hole</em>. The consumer never spins
 * on a hole ({@link #poll(boolean)} returns {@code null} there). It plugs one only when all of these hold:
 * <ol>
 * <li>a producer has reported dying after its claim ({@link #recordDeath()}) more often than the consumer has
 * plugged slots of producers that turned out to be alive: while the queue runs, it never plugs more holes than
 * producers died. A closer draining after its timeout plugs any hole that passes the next two tests, so that
 * {@code close} returns even if a producer stays paused for ever; the CAS below makes that safe;</li>
 * <li>the hole was claimed before the current watch began and has stayed empty for {@link #HOLE_GRACE_NANOS}
 * since (one watch covers every slot claimed before it began, so a burst of holes costs one grace period);</li>
 * <li>its CAS from empty to a {@link Plug} carrying the slot's index wins against the producer's own store.</li>
 * </ol>
 * A live producer that was merely paused that long (a GC safepoint, a debugger) and whose slot was plugged sees
 * its store fail: {@link #store(long, Object)} returns {@code false}, {@code offer} returns {@code false}, and the
 * plug it cost is given back to the budget. So an accepted element is never overwritten, never run out of order,
 * and never lost; the only elements lost are those of producers that died, whose {@code offer} threw.
 *
 * <p>A plug stays in its slot after the consumer moves past it (clearing it would let the late producer's store
 * succeed); the producer of the next lap recognises the older index and replaces it.
 */
final class TaskRing extends TaskRingConsumerFields {

	/** How long a claimed-but-empty head slot must stay empty, after a producer died mid-offer, to be plugged. */
	static final long HOLE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

	private final Object[] buffer;

	private final int mask;

	private final String queueName;

	/** Read only at a hole, never per element: a clock read would cost a plain poll more than the poll itself. */
	private final Clock clock;

	/** Producers that died after claiming a slot and reported it. */
	private final AtomicLong deaths = new AtomicLong();

	/** Set by a dying producer that could not even count itself: from then on any hole may be plugged. */
	private volatile boolean uncountedDeath;

	/** Producers that were alive and found their slot plugged: each gives its plug back to the budget. */
	private final AtomicLong falsePlugs = new AtomicLong();

	/** Slots plugged. Written by the consumer only (release), read by observers. */
	private volatile long plugs;

	/** Consumer-owned: when the current watch on the head hole began, and the producer index then. */
	private long watchSinceNanos;

	private long watchClaimedBefore;

	private final QueueLog log;

	TaskRing(int capacity, String queueName, Clock clock, QueueLog log) {
		this.log = log;
		int size = 1 << (32 - Integer.numberOfLeadingZeros(Math.max(2, capacity) - 1));
		this.buffer = new Object[size];
		this.mask = size - 1;
		this.producerLimit = size;
		this.queueName = queueName;
		this.clock = clock;
	}

	// ---- producers ----------------------------------------------------------------------------------

	/**
	 * Appends an element if there is room: {@link #claim()} then {@link #store(long, Object)}. Lock-free, never
	 * allocates, never waits for the consumer. Any thread.
	 * @return whether the element was stored; {@code false} if the ring is full, or (rarely) if this producer was
	 * paused for longer than the grace period after a death and its slot was plugged
	 * @throws StackOverflowError if the caller's stack ran out; if that happened after the claim, the death is
	 * recorded for the consumer first
	 */
	boolean offer(Object element) {
		long index = claim();
		if (index < 0) {
			return false;
		}
		// Nothing between the claim above and this try pushes a frame, so a StackOverflowError caught here
		// struck after the claim: the slot may stay empty for good.
		try {
			return store(index, element);
		}
		catch (StackOverflowError ex) {
			try {
				recordDeath();
			}
			catch (StackOverflowError again) {
				this.uncountedDeath = true; // a field write: no frame, cannot overflow
			}
			throw ex;
		}
	}

	/**
	 * Claims the next slot. The CAS is the last call: once it has succeeded the method only returns.
	 * @return the claimed index, or {@code -1} if the ring is full
	 */
	long claim() {
		long limit = (long) PRODUCER_LIMIT.getVolatile(this);
		long index;
		do {
			index = (long) PRODUCER_INDEX.getVolatile(this);
			if (index >= limit) {
				limit = (long) CONSUMER_INDEX.getVolatile(this) + this.buffer.length;
				if (index >= limit) {
					return -1;
				}
				PRODUCER_LIMIT.setRelease(this, limit);
			}
		}
		while (!PRODUCER_INDEX.compareAndSet(this, index, index + 1));
		return index;
	}

	/**
	 * Stores into a claimed slot unless the consumer plugged it.
	 * @return {@code true} if stored (the element will be polled), {@code false} if the slot was plugged
	 */
	boolean store(long index, Object element) {
		int slot = (int) index & this.mask;
		if (SLOT.compareAndSet(this.buffer, slot, null, element)) {
			return true;
		}
		return storeOverPlug(index, slot, element);
	}

	/** The slot is not empty: it holds a plug, from an earlier lap or for this very index. */
	private boolean storeOverPlug(long index, int slot, Object element) {
		while (true) {
			Object current = SLOT.getVolatile(this.buffer, slot);
			if (current instanceof Plug plug && plug.index < index) {
				if (SLOT.compareAndSet(this.buffer, slot, current, element)) {
					return true;
				}
			}
			else if (current == null) {
				if (SLOT.compareAndSet(this.buffer, slot, null, element)) {
					return true;
				}
			}
			else {
				// A plug for this index, or a later lap's element or plug: the consumer gave up on this slot.
				this.falsePlugs.incrementAndGet();
				return false;
			}
		}
	}

	/** A producer that died after {@link #claim()} reports it: the consumer may plug one more hole. */
	void recordDeath() {
		this.deaths.incrementAndGet();
	}

	// ---- the consumer ---------------------------------------------------------------------------------

	/**
	 * Takes the head element, applying the dead-slot rule. Consumer thread only; never blocks, never spins; reads
	 * the clock only when the head slot is claimed but empty.
	 * @param closing whether a closer is draining after its timeout: then a hole that stays empty for the grace
	 * period is plugged even if no producer reported dying
	 * @return the head element, or {@code null} if the ring is empty or its head slot is claimed but not (yet)
	 * filled
	 */
	Object poll(boolean closing) {
		while (true) {
			long index = (long) CONSUMER_INDEX.getOpaque(this);
			int slot = (int) index & this.mask;
			Object element = SLOT.getAcquire(this.buffer, slot);
			if (element != null && !(element instanceof Plug)) {
				SLOT.setOpaque(this.buffer, slot, null);
				CONSUMER_INDEX.setRelease(this, index + 1);
				return element;
			}
			if (index >= (long) PRODUCER_INDEX.getVolatile(this) || !plugIfDead(index, slot, element, closing)) {
				return null;
			}
			CONSUMER_INDEX.setRelease(this, index + 1);
		}
	}

	/**
	 * Whether the head slot holds an element that {@link #poll(boolean)} would return. The read is volatile, so
	 * that the reactor's re-check before sleeping (R2 in {@link WakeSignal}) and a producer's store followed by its
	 * look at the sleep flag are a Dekker pair. Consumer thread only.
	 */
	boolean hasElementAtHead() {
		long index = (long) CONSUMER_INDEX.getOpaque(this);
		Object element = SLOT.getVolatile(this.buffer, (int) index & this.mask);
		return element != null && !(element instanceof Plug);
	}

	/**
	 * Whether a producer has claimed the head slot but not yet filled it. Consumer thread only.
	 */
	boolean hasHoleAtHead() {
		long index = (long) CONSUMER_INDEX.getOpaque(this);
		if (index >= (long) PRODUCER_INDEX.getVolatile(this)) {
			return false;
		}
		Object element = SLOT.getAcquire(this.buffer, (int) index & this.mask);
		return element == null || element instanceof Plug;
	}

	private boolean plugIfDead(long index, int slot, Object seen, boolean closing) {
		if (!isDead(index) || (!closing && !this.uncountedDeath
				&& this.plugs - this.falsePlugs.get() >= this.deaths.get())) {
			return false;
		}
		if (!SLOT.compareAndSet(this.buffer, slot, seen, new Plug(index))) {
			return false; // the producer stored after all: poll again
		}
		this.plugs = this.plugs + 1;
		this.log.log(System.Logger.Level.ERROR, "Queue '" + this.queueName + "' skipped a slot that a producer claimed"
				+ " and did not fill within " + TimeUnit.NANOSECONDS.toMillis(HOLE_GRACE_NANOS) + " ms (it died of a "
				+ "StackOverflowError inside offer); that producer's task is lost");
		return true;
	}

	/**
	 * Whether the hole at the head is dead rather than slow: it was claimed before the current watch began and is
	 * still empty {@link #HOLE_GRACE_NANOS} after that. A slot, once filled, stays filled until the consumer takes
	 * it, so such a slot's producer has been between claim and store for the whole grace period. A head slot
	 * claimed after the watch began starts a new watch.
	 */
	private boolean isDead(long index) {
		long now = this.clock.nanoTime();
		if (index >= this.watchClaimedBefore) {
			this.watchSinceNanos = now;
			this.watchClaimedBefore = (long) PRODUCER_INDEX.getVolatile(this);
			return false;
		}
		return now - this.watchSinceNanos >= HOLE_GRACE_NANOS;
	}

	// ---- observers (any thread) -----------------------------------------------------------------------

	/** Elements queued now, between 0 and the capacity. */
	int size() {
		long consumer = (long) CONSUMER_INDEX.getVolatile(this);
		long producer = (long) PRODUCER_INDEX.getVolatile(this);
		return (int) Math.max(0, Math.min(producer - consumer, this.buffer.length));
	}

	boolean isEmpty() {
		return (long) CONSUMER_INDEX.getVolatile(this) >= (long) PRODUCER_INDEX.getVolatile(this);
	}

	/** Slots claimed since the ring was built: every accepted element, plus any that were plugged. */
	long currentProducerIndex() {
		return (long) PRODUCER_INDEX.getVolatile(this);
	}

	int capacity() {
		return this.buffer.length;
	}

	/** Slots the consumer plugged and moved past: each was claimed, none holds a task that will run. */
	long plugged() {
		return this.plugs;
	}

	/** Tasks of producers that died after claiming a slot, whose slots were plugged. */
	long tasksLost() {
		return Math.max(0, this.plugs - this.falsePlugs.get());
	}

	/**
	 * Runs every method of the offer/poll path once on a scratch ring, so that classes are loaded and call sites
	 * linked before a real producer depends on them: resolution done lazily inside {@code offer} would add deeper
	 * frames, and so more chances of a stack overflow, inside the window described above.
	 */
	static void warmUp() {
		TaskRing scratch = new TaskRing(4, "warm-up", Clock.SYSTEM, QueueLog.system());
		Object element = new Object();
		for (int i = 0; i < 8; i++) {
			scratch.offer(element);
			scratch.hasHoleAtHead();
			scratch.poll(false);
			scratch.isEmpty();
			scratch.size();
		}
		long index = scratch.claim();
		scratch.store(index, element);
		scratch.poll(false);
	}

	/** What the consumer leaves in a slot it gave up on: the index it was claimed for. */
	record Plug(long index) {
	}

}

/** Keeps the producer fields off the cache lines of whatever the JVM places before the ring. */
abstract class TaskRingPad0 {

	long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;

}

/** The producers' fields: written by every producer, read by the consumer only to see whether it is empty. */
abstract class TaskRingProducerFields extends TaskRingPad0 {

	static final VarHandle PRODUCER_INDEX;

	static final VarHandle PRODUCER_LIMIT;

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			PRODUCER_INDEX = lookup.findVarHandle(TaskRingProducerFields.class, "producerIndex", long.class);
			PRODUCER_LIMIT = lookup.findVarHandle(TaskRingProducerFields.class, "producerLimit", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	/** The next index to claim. CAS by producers. */
	volatile long producerIndex;

	/** A cached bound below which producers may claim without reading the consumer's index. */
	volatile long producerLimit;

}

/** Keeps the consumer's index off the producers' cache line. */
abstract class TaskRingPad1 extends TaskRingProducerFields {

	long q00, q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15;

}

/** The consumer's field: written by the consumer only, with release stores. */
abstract class TaskRingConsumerFields extends TaskRingPad1 {

	static final VarHandle CONSUMER_INDEX;

	static {
		try {
			CONSUMER_INDEX = MethodHandles.lookup()
				.findVarHandle(TaskRingConsumerFields.class, "consumerIndex", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	/** The next index to take. */
	volatile long consumerIndex;

	long r00, r01, r02, r03, r04, r05, r06, r07, r08, r09, r10, r11, r12, r13, r14, r15;

}
