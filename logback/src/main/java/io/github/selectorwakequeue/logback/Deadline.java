package io.github.selectorwakequeue.logback;

import java.time.Duration;

/**
 * When a {@code stop()}'s time is up, on the {@link System#nanoTime()} clock, or never ({@code maxFlushTime} 0
 * means "until flushed", as on {@code AsyncAppender}). Immutable; any thread.
 */
final class Deadline {

	/** What "until flushed" is passed to the queue as: longer than any JVM lives, and still a valid nanosecond count. */
	static final Duration FOREVER = Duration.ofDays(365L * 100);

	private static final Deadline NONE = new Deadline(0, false);

	private final long nanos;

	private final boolean bounded;

	private Deadline(long nanos, boolean bounded) {
		this.nanos = nanos;
		this.bounded = bounded;
	}

	/** No deadline. */
	static Deadline none() {
		return NONE;
	}

	/**
	 * The deadline of a flush that starts now.
	 * @param maxFlushTime how long it may take; zero for no deadline
	 */
	static Deadline ofMaxFlushTime(Duration maxFlushTime) {
		if (maxFlushTime.isZero()) {
			return NONE;
		}
		Duration capped = (maxFlushTime.compareTo(FOREVER) > 0) ? FOREVER : maxFlushTime; // toNanos() would overflow
		return new Deadline(System.nanoTime() + capped.toNanos(), true);
	}

	boolean passed() {
		return this.bounded && this.nanos - System.nanoTime() <= 0;
	}

	/** Whether {@code wait} from now ends before the deadline. */
	boolean leaves(Duration wait) {
		return !this.bounded || this.nanos - System.nanoTime() >= wait.toNanos();
	}

	/** The time left, as a timeout for the queue's {@code close}: {@link #FOREVER} without a deadline. */
	Duration remaining() {
		return this.bounded ? Duration.ofNanos(Math.max(0, this.nanos - System.nanoTime())) : FOREVER;
	}

}
