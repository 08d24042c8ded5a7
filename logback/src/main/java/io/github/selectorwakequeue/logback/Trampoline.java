package io.github.selectorwakequeue.logback;

import java.util.ArrayDeque;
import java.util.Objects;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * How the reactor appends: a queued event goes to the attached appenders, and every event an attached appender
 * logs meanwhile (it arrives back on the reactor thread) is appended right after it, on the same thread, instead
 * of being queued behind itself (which, with a full queue, is logback#788's self-deadlock) or appended
 * recursively from inside the appender that logged it.
 *
 * <p><b>Bounds.</b> Nesting stops at one level: an event logged while a nested event is being appended is
 * dropped and counted, so an appender that logs on every append adds one event per queued event, not an endless
 * chain. At most {@value #MAX_NESTED} nested events wait behind one queued event; more are dropped and counted.
 * Drops caused while a drop summary line is appended are counted without asking for another summary (they are in
 * the next one), so an appender that logs about every line cannot turn the summary into a line per second.
 *
 * <p><b>Threads.</b> Used by one thread at a time: the reactor, or the stopping thread once the reactor has
 * exited (the join orders them). No field is shared with callers, so none is volatile.
 */
final class Trampoline {

	/** Nested events that may wait behind one queued event. */
	static final int MAX_NESTED = 1024;

	private static final int IDLE = -1;

	private static final int TOP_LEVEL = 0;

	private static final int NESTED = 1;

	private final AttachedAppenders appenders;

	private final Drops drops;

	private final boolean includeCallerData;

	private final ArrayDeque<ILoggingEvent> nested = new ArrayDeque<>();

	/** {@link #IDLE}, {@link #TOP_LEVEL} or {@link #NESTED}: what the reactor is appending now. */
	private int depth = IDLE;

	/** Whether the top-level event being appended is a drop summary. */
	private boolean summary;

	/** What to run once the current top-level event and its nested events are appended; {@code null} if nothing. */
	private Runnable whenIdle;

	Trampoline(AttachedAppenders appenders, Drops drops, boolean includeCallerData) {
		this.appenders = Objects.requireNonNull(appenders, "appenders");
		this.drops = Objects.requireNonNull(drops, "drops");
		this.includeCallerData = includeCallerData;
	}

	/** Appends a queued (or reactor-made) event, then the events logged while appending it, in order. */
	void appendTopLevel(ILoggingEvent event) {
		appendTopLevel(event, false);
	}

	/** Appends a drop summary line like {@link #appendTopLevel(ILoggingEvent)}. */
	void appendSummary(ILoggingEvent summaryLine) {
		appendTopLevel(summaryLine, true);
	}

	private void appendTopLevel(ILoggingEvent event, boolean isSummary) {
		if (this.depth != IDLE) {
			logged(event); // only if an appender made the reactor append directly; keep the bound
			return;
		}
		this.depth = TOP_LEVEL;
		this.summary = isSummary;
		try {
			this.appenders.appendToAll(event);
			this.depth = NESTED;
			ILoggingEvent next;
			while ((next = this.nested.poll()) != null) {
				this.appenders.appendToAll(next);
			}
		}
		finally {
			this.depth = IDLE;
			ILoggingEvent left; // only if appendToAll threw, which it does not: never lose one silently
			while ((left = this.nested.poll()) != null) {
				drop(left);
			}
			this.summary = false;
			Runnable next = this.whenIdle;
			this.whenIdle = null;
			if (next != null) {
				next.run();
			}
		}
	}

	/**
	 * Runs {@code action} on this thread as soon as no event is being appended: at once if none is, otherwise
	 * right after the current top-level event and the events logged while appending it. This is how a
	 * {@code stop()} called by an attached appender on the reactor appends what is still queued without
	 * re-entering that appender.
	 * @param action what to run; it may append
	 */
	void whenIdle(Runnable action) {
		if (this.depth == IDLE) {
			action.run();
		}
		else {
			this.whenIdle = action;
		}
	}

	/** An event logged on the reactor thread: appended now, appended after the current one, or dropped. */
	void logged(ILoggingEvent event) {
		if (this.depth != IDLE && (this.depth == NESTED || this.nested.size() >= MAX_NESTED)) {
			drop(event);
			return;
		}
		try {
			Pipeline.prepare(event, this.includeCallerData);
		}
		catch (Throwable ex) { // counted; Logback reports the exception to the appender that logged
			drop(event);
			throw ex;
		}
		if (this.depth == IDLE) {
			appendTopLevel(event);
		}
		else {
			this.nested.add(event);
		}
	}

	private void drop(ILoggingEvent event) {
		this.drops.drop(event.getLevel(), !this.summary);
	}

	/** Where the trampoline's drops are counted. */
	interface Drops {

		/**
		 * Counts a dropped event.
		 * @param level its level
		 * @param report whether to make sure a summary line follows
		 */
		void drop(Level level, boolean report);

	}

}
