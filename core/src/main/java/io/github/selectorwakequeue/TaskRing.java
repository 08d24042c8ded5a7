package io.github.selectorwakequeue;

import org.jctools.queues.MpscArrayQueue;
import org.jctools.util.UnsafeRefArrayAccess;

/**
 * The bounded lock-free MPSC ring the producers write into: JCTools' {@link MpscArrayQueue}, with one
 * addition the reactor needs to survive a producer that dies half-way through an offer.
 *
 * <p>Why this queue: its array is allocated once, up front, so {@code offer} never allocates and an
 * {@link OutOfMemoryError} cannot strike in the middle of it (the chunked and unbounded JCTools queues
 * allocate and mark a resize in progress inside {@code offer}; an error there would leave every later
 * producer spinning). Its {@code offer} is a CAS loop: lock-free, and it never waits for the consumer.
 *
 * <p>The remaining window: {@code offer} claims a slot with a CAS on the producer index and then stores
 * the element with a second, ordered write. A producer that dies between the two (a
 * {@link StackOverflowError} thrown at a method entry while the code still runs interpreted) leaves a
 * claimed, empty slot. {@link #relaxedPoll()} returns {@code null} at such a hole instead of spinning on
 * it, and {@link #fillHoleAtHead(Object)} lets the single consumer plug it with a marker so the elements
 * behind it can be reached. {@link HoleWatch} decides when a hole is dead rather than slow; the
 * consumer (the reactor, see {@code Reactor}, or a closer that took its role over) plugs it.
 */
final class TaskRing extends MpscArrayQueue<Object> {

	TaskRing(int capacity) {
		super(capacity);
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

	/**
	 * Stores {@code marker} into the head slot if it is still empty, so that the next
	 * {@link #relaxedPoll()} returns the marker and moves past it. Consumer thread only.
	 * @return whether the slot was filled
	 */
	boolean fillHoleAtHead(Object marker) {
		if (!hasHoleAtHead()) {
			return false;
		}
		long offset = UnsafeRefArrayAccess.calcCircularRefElementOffset(currentConsumerIndex(), this.mask);
		UnsafeRefArrayAccess.soRefElement(this.buffer, offset, marker);
		return true;
	}

	/**
	 * Decides when a claimed but empty head slot is dead rather than slow: when it was claimed before the
	 * current watch began and is still empty {@code graceNanos} after that. A slot, once filled, stays
	 * filled until the consumer takes it, so such a slot's producer has been between claim and store for
	 * the whole grace period. One watch covers every slot claimed before it began, so a burst of producers
	 * dying in that window costs the consumer one grace period, not one per slot. Consumer-owned; not
	 * thread-safe.
	 */
	static final class HoleWatch {

		private long sinceNanos;

		/** Producer index when the watch began: every slot below it was claimed before {@link #sinceNanos}. */
		private long claimedBefore;

		/**
		 * Looks at the hole at the head (call only when there is one), starting a new watch if the head
		 * slot was claimed after the current one began.
		 * @param ring the ring, polled by the caller
		 * @param now the current {@link System#nanoTime()}
		 * @param graceNanos how long a slot must stay claimed and empty to count as dead
		 * @return whether the head slot is dead
		 */
		boolean isDead(TaskRing ring, long now, long graceNanos) {
			if (ring.currentConsumerIndex() >= this.claimedBefore) {
				this.sinceNanos = now;
				this.claimedBefore = ring.currentProducerIndex();
				return false;
			}
			return now - this.sinceNanos >= graceNanos;
		}

	}

	/**
	 * Runs every method of the offer/poll path once on a scratch ring, so that classes are loaded and
	 * call sites linked before a real producer depends on them: resolution done lazily inside
	 * {@code offer} would add deeper frames, and so more chances of a stack overflow, inside the window
	 * described above.
	 */
	static void warmUp() {
		TaskRing scratch = new TaskRing(4);
		Object marker = new Object();
		for (int i = 0; i < 8; i++) {
			scratch.offer(marker);
			scratch.hasHoleAtHead();
			scratch.fillHoleAtHead(marker);
			scratch.relaxedPoll();
			scratch.isEmpty();
			scratch.size();
		}
	}

}
