package io.github.selectorwakequeue.logback;

import java.util.concurrent.atomic.LongAdder;

import ch.qos.logback.classic.Level;

/**
 * One {@link LongAdder} per event level: counting is lock-free and contention-spreading, so a drop costs a
 * caller about as much as an uncontended increment. Any thread.
 */
final class LevelCounters {

	private final LongAdder trace = new LongAdder();

	private final LongAdder debug = new LongAdder();

	private final LongAdder info = new LongAdder();

	private final LongAdder warn = new LongAdder();

	private final LongAdder error = new LongAdder();

	/** Counts one event of {@code level}; levels between the named ones count with the level below them. */
	void increment(Level level) {
		adderFor(level.toInt()).increment();
	}

	private LongAdder adderFor(int level) {
		if (level >= Level.ERROR_INT) {
			return this.error;
		}
		if (level >= Level.WARN_INT) {
			return this.warn;
		}
		if (level >= Level.INFO_INT) {
			return this.info;
		}
		if (level >= Level.DEBUG_INT) {
			return this.debug;
		}
		return this.trace;
	}

	/** A snapshot; each level is read on its own, so a count moving meanwhile may or may not be included. */
	DroppedEvents snapshot() {
		return new DroppedEvents(this.trace.sum(), this.debug.sum(), this.info.sum(), this.warn.sum(), this.error.sum());
	}

}
