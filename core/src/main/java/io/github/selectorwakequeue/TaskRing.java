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
 * behind it can be reached. Only the reactor decides when a hole is dead rather than slow; see
 * {@code Reactor}.
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
