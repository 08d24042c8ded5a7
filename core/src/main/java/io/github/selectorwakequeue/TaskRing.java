package io.github.selectorwakequeue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jctools.queues.MpscArrayQueue;
import org.jctools.util.UnsafeRefArrayAccess;

/**
 * The bounded lock-free MPSC ring the producers write into: JCTools' {@link MpscArrayQueue}, plus the one rule
 * its consumer needs to survive a producer that dies half-way through an offer.
 *
 * <p>Why this queue: its array is allocated once, up front, so {@code offer} never allocates and an
 * {@link OutOfMemoryError} cannot strike in the middle of it (the chunked and unbounded JCTools queues allocate
 * and mark a resize in progress inside {@code offer}; an error there would leave every later producer spinning).
 * Its {@code offer} is a CAS loop: lock-free, and it never waits for the consumer.
 *
 * <h2>The dead-slot rule</h2>
 * {@code offer} claims a slot with a CAS on the producer index and then stores the element with a second,
 * ordered write. A producer that dies between the two (a {@link StackOverflowError} thrown at a method entry
 * while the code still runs interpreted) leaves a claimed, empty slot. The consumer never spins on such a hole
 * ({@link #poll(long)} returns {@code null} there); once a {@code StackOverflowError} has escaped an offer and the
 * head slot has stayed claimed but empty for {@link #HOLE_GRACE_NANOS}, it plugs the slot with a marker, moves
 * past it and counts the dead producer's task as lost. One watch covers every slot claimed before it began, so a
 * burst of such holes costs one grace period, not one each. {@link #poll(long)} is the only place this happens,
 * whoever the consumer is (the reactor, or a closer that took its role over).
 */
final class TaskRing extends MpscArrayQueue<Object> {

	private static final System.Logger LOG = System.getLogger(SelectorWakeQueue.class.getName());

	/** How long a claimed-but-empty head slot must stay empty, after a producer died mid-offer, to be plugged. */
	static final long HOLE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

	/** Stored into a dead producer's slot so the ring can move past it. */
	private static final Object HOLE_MARKER = new Object();

	private final String queueName;

	/** Set when a {@link StackOverflowError} escaped an offer: a claimed slot may never be filled. */
	private volatile boolean producerDiedInOffer;

	/** Consumer-owned: when the current watch on the head hole began, and the producer index then. */
	private long watchSinceNanos;

	private long watchClaimedBefore;

	private final AtomicLong tasksLost = new AtomicLong();

	TaskRing(int capacity, String queueName) {
		super(capacity);
		this.queueName = queueName;
	}

	/**
	 * Appends an element if there is room. Lock-free, never allocates, never waits for the consumer. Any
	 * thread.
	 * @return whether the element was stored
	 */
	@Override
	public boolean offer(Object element) {
		try {
			return super.offer(element);
		}
		catch (StackOverflowError ex) {
			// A field write only: no call that could overflow again. The consumer may have to plug a slot.
			this.producerDiedInOffer = true;
			throw ex;
		}
	}

	/**
	 * Takes the head element, applying the dead-slot rule. Consumer thread only; never blocks, never spins.
	 * @param now the current time, for the grace period
	 * @return the head element, or {@code null} if the ring is empty or its head slot is claimed but not (yet)
	 * filled
	 */
	Object poll(long now) {
		while (true) {
			Object element = relaxedPoll();
			if (element == HOLE_MARKER) {
				continue;
			}
			if (element != null || isEmpty() || !plugDeadHole(now)) {
				return element;
			}
		}
	}

	/**
	 * Whether a producer has claimed the head slot but not yet filled it. Consumer thread only.
	 */
	boolean hasHoleAtHead() {
		long consumerIndex = currentConsumerIndex();
		if (consumerIndex >= currentProducerIndex()) {
			return false;
		}
		long offset = UnsafeRefArrayAccess.calcCircularRefElementOffset(consumerIndex, this.mask);
		return UnsafeRefArrayAccess.lvRefElement(this.buffer, offset) == null;
	}

	/** Tasks of producers that died inside an offer, whose slots were plugged. */
	long tasksLost() {
		return this.tasksLost.get();
	}

	private boolean plugDeadHole(long now) {
		if (!isDead(now) || !this.producerDiedInOffer || !hasHoleAtHead()) {
			return false;
		}
		long offset = UnsafeRefArrayAccess.calcCircularRefElementOffset(currentConsumerIndex(), this.mask);
		UnsafeRefArrayAccess.soRefElement(this.buffer, offset, HOLE_MARKER);
		this.tasksLost.incrementAndGet();
		LOG.log(System.Logger.Level.ERROR, "Queue ''{0}'' skipped a slot that a producer claimed and never filled "
				+ "(it died of a StackOverflowError inside offer); that producer''s task is lost", this.queueName);
		return true;
	}

	/**
	 * Whether the hole at the head is dead rather than slow: it was claimed before the current watch began and
	 * is still empty {@link #HOLE_GRACE_NANOS} after that. A slot, once filled, stays filled until the consumer
	 * takes it, so such a slot's producer has been between claim and store for the whole grace period. A head
	 * slot claimed after the watch began starts a new watch.
	 */
	private boolean isDead(long now) {
		if (currentConsumerIndex() >= this.watchClaimedBefore) {
			this.watchSinceNanos = now;
			this.watchClaimedBefore = currentProducerIndex();
			return false;
		}
		return now - this.watchSinceNanos >= HOLE_GRACE_NANOS;
	}

	/**
	 * Runs every method of the offer/poll path once on a scratch ring, so that classes are loaded and call sites
	 * linked before a real producer depends on them: resolution done lazily inside {@code offer} would add deeper
	 * frames, and so more chances of a stack overflow, inside the window described above.
	 */
	static void warmUp() {
		TaskRing scratch = new TaskRing(4, "warm-up");
		Object element = new Object();
		for (int i = 0; i < 8; i++) {
			scratch.offer(element);
			scratch.hasHoleAtHead();
			scratch.poll(0);
			scratch.isEmpty();
			scratch.size();
		}
	}

}
