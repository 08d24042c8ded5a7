package io.github.selectorwakequeue.logback;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.github.selectorwakequeue.SelectorWakeQueue;

/**
 * The rate-limited summary of dropped events: one WARN line, appended through the attached appenders on the
 * reactor thread, {@code "N events dropped (TRACE=…, DEBUG=…, INFO=…, WARN=…, ERROR=…) since <instant> by
 * appender [name]"}, at most one per {@link #INTERVAL}.
 *
 * <p>The first drop of a window schedules a report on the queue's timer (one CAS and a timer allocation, once per
 * window; every other drop costs one volatile read here). The reactor runs it between appends, so the summary
 * takes no queue slot and cannot itself be dropped. Drops that race with a report are never lost: the report
 * re-arms before reading the counters, and a drop re-checks after counting (a Dekker pair on
 * {@link #scheduled} and the counters).
 *
 * <p><b>Spacing.</b> Lines are at least {@link #INTERVAL} apart by their own timestamps, whatever the race: a drop
 * counted just after a report re-armed may still read the previous line's time and schedule too early, so a report
 * that finds itself early puts itself off instead of writing. The last line, at stop, waits for the interval too if
 * the stop's deadline leaves time for it, and is written at once otherwise (its counts must not be lost).
 */
final class DropReport {

	/** Shortest time between two summary lines. */
	static final Duration INTERVAL = Duration.ofSeconds(1);

	private static final long INTERVAL_MILLIS = INTERVAL.toMillis();

	private static final String FQCN = DropReport.class.getName();

	private final SelectorWakeQueue queue;

	private final LevelCounters dropped;

	private final Trampoline trampoline;

	private final Logger logger;

	private final String appenderName;

	/** Whether a report is scheduled (or its window is open while the queue is closed). */
	private final AtomicBoolean scheduled = new AtomicBoolean();

	/** Wall-clock start of the open window: when its first drop happened. */
	private volatile long windowStartMillis;

	/** Wall-clock timestamp of the last summary line; read by droppers to delay the next report. */
	private volatile long lastLineMillis = Long.MIN_VALUE / 2;

	/** Counts already reported. Reactor thread only (or the stopping thread after the reactor exited). */
	private DroppedEvents reported;

	DropReport(SelectorWakeQueue queue, LevelCounters dropped, Trampoline trampoline, Logger logger,
			String appenderName) {
		this.queue = Objects.requireNonNull(queue, "queue");
		this.dropped = Objects.requireNonNull(dropped, "dropped");
		this.trampoline = Objects.requireNonNull(trampoline, "trampoline");
		this.logger = Objects.requireNonNull(logger, "logger");
		this.appenderName = Objects.requireNonNull(appenderName, "appenderName");
		this.reported = dropped.snapshot();
	}

	/** Counts a dropped event and makes sure a summary will follow. Any thread; never blocks. */
	void drop(Level level) {
		this.dropped.increment(level);
		if (!this.scheduled.get() && this.scheduled.compareAndSet(false, true)) {
			this.windowStartMillis = System.currentTimeMillis();
			if (!this.queue.isClosed()) {
				this.queue.schedule(Duration.ofMillis(Math.max(0, millisUntilNextLine())), this::report);
			}
		}
	}

	private long millisUntilNextLine() {
		return this.lastLineMillis + INTERVAL_MILLIS - System.currentTimeMillis();
	}

	/** The scheduled report: reactor thread. */
	private void report() {
		long early = millisUntilNextLine();
		if (early > 0) { // scheduled from the previous line's time, read just before that line was stamped
			this.queue.schedule(Duration.ofMillis(early), this::report);
			return;
		}
		long since = this.windowStartMillis;
		this.scheduled.set(false); // re-arm before reading: a drop counted after this schedules the next report
		appendSummary(since);
	}

	/**
	 * The last summary, at stop: whatever is unreported, including the events stop could not flush. Waits for the
	 * interval since the previous line if that ends before the deadline, an interrupt notwithstanding. Only once the reactor has exited, or on it.
	 * @param deadline when the stop's time is up
	 */
	void appendFinalSummary(Deadline deadline) {
		if (this.dropped.snapshot().minus(this.reported).total() == 0) {
			return;
		}
		long wait = millisUntilNextLine();
		if (wait > 0 && deadline.leaves(Duration.ofMillis(wait))) {
			awaitNextLineTime();
		}
		appendSummary(this.scheduled.get() ? this.windowStartMillis : System.currentTimeMillis());
	}

	private void awaitNextLineTime() {
		boolean interrupted = false;
		long wait;
		while ((wait = millisUntilNextLine()) > 0) {
			LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(wait));
			interrupted |= Thread.interrupted(); // keep waiting; the flag is given back below
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	private void appendSummary(long sinceMillis) {
		DroppedEvents now = this.dropped.snapshot();
		DroppedEvents delta = now.minus(this.reported);
		if (delta.total() == 0) {
			return;
		}
		this.reported = now;
		String message = delta.total() + " events dropped (" + delta + ") since " + Instant.ofEpochMilli(sinceMillis)
				+ " by appender [" + this.appenderName + "]";
		LoggingEvent line = new LoggingEvent(FQCN, this.logger, Level.WARN, message, null, null);
		this.lastLineMillis = line.getTimeStamp(); // before appending: droppers meanwhile already wait for the next
		this.trampoline.appendSummary(line);
	}

}
