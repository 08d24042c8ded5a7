package io.github.selectorwakequeue;

import java.util.function.LongSupplier;

/**
 * A queue clock ({@code nanoClock}) that reads {@link System#nanoTime()} and fails once, at the next read on a thread
 * that asked for it: code running on one of the queue's threads (a part, say) arms it, and the queue's own next read
 * on that thread throws. Deterministic: it picks the read by thread and order, not by time.
 */
final class FailingClock implements LongSupplier {

	private final ThreadLocal<Boolean> armed = new ThreadLocal<>();

	/** The calling thread's next read of this clock throws an {@link IllegalStateException}. */
	void failNextReadOnThisThread() {
		this.armed.set(Boolean.TRUE);
	}

	@Override
	public long getAsLong() {
		if (this.armed.get() != null) {
			this.armed.remove();
			throw new IllegalStateException("the clock fails (test)");
		}
		return System.nanoTime();
	}

}
