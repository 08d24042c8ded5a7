package io.github.selectorwakequeue.logback;

import ch.qos.logback.classic.Level;

/**
 * How many events a {@link SelectorWakeQueueAppender} dropped, per level: because its queue was full (or,
 * for events below {@code neverDropLevel}, past its discarding threshold), because an attached appender logged
 * while appending an event that was itself logged from inside an attached appender, or because they were still
 * queued when {@code stop()} gave up after {@code maxFlushTime}. An immutable snapshot.
 *
 * @param trace TRACE events dropped
 * @param debug DEBUG events dropped
 * @param info INFO events dropped
 * @param warn WARN events dropped
 * @param error ERROR events dropped
 */
public record DroppedEvents(long trace, long debug, long info, long warn, long error) {

	/** No event dropped. */
	public static final DroppedEvents NONE = new DroppedEvents(0, 0, 0, 0, 0);

	/**
	 * All levels together.
	 * @return the number of events dropped
	 */
	public long total() {
		return this.trace + this.debug + this.info + this.warn + this.error;
	}

	/**
	 * The count of one level.
	 * @param level {@code TRACE}, {@code DEBUG}, {@code INFO}, {@code WARN} or {@code ERROR}
	 * @return the events of that level dropped
	 * @throws IllegalArgumentException for {@code ALL} or {@code OFF}, which no event has
	 */
	public long of(Level level) {
		return switch (level.toInt()) {
			case Level.TRACE_INT -> this.trace;
			case Level.DEBUG_INT -> this.debug;
			case Level.INFO_INT -> this.info;
			case Level.WARN_INT -> this.warn;
			case Level.ERROR_INT -> this.error;
			default -> throw new IllegalArgumentException("level must be TRACE, DEBUG, INFO, WARN or ERROR, was " + level);
		};
	}

	/**
	 * The drops since an earlier snapshot.
	 * @param earlier a snapshot taken before this one
	 * @return the difference, level by level
	 */
	public DroppedEvents minus(DroppedEvents earlier) {
		return new DroppedEvents(this.trace - earlier.trace, this.debug - earlier.debug, this.info - earlier.info,
				this.warn - earlier.warn, this.error - earlier.error);
	}

	/**
	 * The counts as {@code TRACE=0, DEBUG=0, INFO=12, WARN=0, ERROR=0}.
	 * @return the counts, every level named
	 */
	@Override
	public String toString() {
		return "TRACE=" + this.trace + ", DEBUG=" + this.debug + ", INFO=" + this.info + ", WARN=" + this.warn
				+ ", ERROR=" + this.error;
	}

}
