package io.github.selectorwakequeue.logback;

import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.util.Duration;
import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.Stats;

/**
 * A Logback appender that never blocks the logging thread: it hands each event to its own
 * {@link SelectorWakeQueue}, whose reactor thread runs the attached appenders, one at a time, in order. Use it
 * where you would use Logback's {@code AsyncAppender}:
 * <pre>{@code
 * <appender name="ASYNC" class="io.github.selectorwakequeue.logback.SelectorWakeQueueAppender">
 *   <appender-ref ref="FILE"/>
 * </appender>
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * <ul>
 * <li><b>The caller never blocks and never runs an appender</b>, whatever its context: a thread holding locks, an
 * interrupted thread (its interrupt status is left as it was), a {@code Cleaner}, signal handler or shutdown
 * hook, a virtual thread. On the caller's thread only the cheap part of deferred processing runs: the message is
 * formatted (so a mutable argument is captured as it was), the thread name and MDC are copied, and the caller data
 * is computed if {@link #setIncludeCallerData includeCallerData}. There is no caller-runs fallback: running
 * appenders on a thread that holds locks is what brings the deadlocks back.</li>
 * <li><b>When the queue is full, events are dropped by level and counted.</b> Events below
 * {@link #setNeverDropLevel neverDropLevel} (WARN by default) are dropped once fewer than
 * {@link #setDiscardingThreshold discardingThreshold} slots are free; those slots are reserved for events at or
 * above it, which are dropped only when all {@link #setQueueSize queueSize} slots are taken. Every drop is counted
 * per level ({@link #droppedEvents()}), and a summary line, at most one per second, goes through the attached
 * appenders once the reactor gets to it.</li>
 * <li><b>Events logged by an attached appender</b> (on the reactor thread) are appended inline right after the
 * event being appended, never queued behind themselves; an event logged while appending such a nested event is
 * dropped and counted, so nothing recurses without bound.</li>
 * <li><b>A failing appender</b> is reported to Logback's status manager; the others still get the event, and a
 * reactor thread that dies is restarted.</li>
 * <li><b>{@link #stop()}</b> (also from Logback's shutdown hook) lets the reactor append what is queued for up to
 * {@link #setMaxFlushTime maxFlushTime}; events still queued then are counted as dropped and reported (status
 * error and final summary line), never silently lost. It then stops the attached appenders.</li>
 * </ul>
 */
public final class SelectorWakeQueueAppender extends UnsynchronizedAppenderBase<ILoggingEvent>
		implements AppenderAttachable<ILoggingEvent> {

	/** Default {@code queueSize}. */
	public static final int DEFAULT_QUEUE_SIZE = 8192;

	/** Default {@code maxFlushTime}. */
	public static final Duration DEFAULT_MAX_FLUSH_TIME = Duration.buildBySeconds(5);

	/** Default {@code neverDropLevel}. */
	public static final Level DEFAULT_NEVER_DROP_LEVEL = Level.WARN;

	/** Name used for the queue when the appender has none (Logback configuration always names appenders). */
	static final String UNNAMED = "selector-wake-queue-logback";

	private static final int UNDEFINED = -1;

	private final AttachedAppenders appenders = new AttachedAppenders(this);

	/** Drops since this appender was created, across restarts. */
	private final LevelCounters dropped = new LevelCounters();

	private int queueSize = DEFAULT_QUEUE_SIZE;

	private int discardingThreshold = UNDEFINED;

	private String neverDropLevel = DEFAULT_NEVER_DROP_LEVEL.levelStr;

	private boolean includeCallerData;

	private Duration maxFlushTime = DEFAULT_MAX_FLUSH_TIME;

	/** Set before {@code started} on start; the current run, or the last one after stop. */
	private volatile Pipeline pipeline;

	/**
	 * Starts a new queue and its reactor thread. Reports a configuration error to Logback's status manager,
	 * naming the property and its value, and stays stopped if no appender is attached or a property is out of
	 * range. Idempotent.
	 */
	@Override
	public void start() {
		if (isStarted()) {
			return;
		}
		Pipeline.Settings settings;
		try {
			settings = settings();
		}
		catch (IllegalArgumentException | IllegalStateException ex) {
			addError(this + ": " + ex.getMessage() + "; the appender is not started");
			return;
		}
		Pipeline next;
		try {
			next = new Pipeline(settings, this.appenders, this.dropped,
					((LoggerContext) getContext()).getLogger(SelectorWakeQueueAppender.class), this);
		}
		catch (RuntimeException ex) {
			addError(this + ": could not open its queue; the appender is not started", ex);
			return;
		}
		try {
			next.start();
		}
		catch (RuntimeException ex) {
			next.close(java.time.Duration.ZERO); // releases its pipe and selector; nothing was queued
			addError(this + ": could not start its reactor thread; the appender is not started", ex);
			return;
		}
		this.pipeline = next;
		super.start();
		addInfo(this + " started: queueSize=" + settings.queueSize() + ", discardingThreshold="
				+ settings.discardingThreshold() + ", neverDropLevel=" + settings.neverDropLevel() + ", includeCallerData="
				+ settings.includeCallerData() + ", maxFlushTime=" + this.maxFlushTime);
	}

	private Pipeline.Settings settings() {
		if (!(getContext() instanceof LoggerContext)) {
			throw new IllegalStateException("needs a logback-classic LoggerContext, has " + getContext());
		}
		if (this.appenders.isEmpty()) {
			throw new IllegalStateException("no appender attached; add an <appender-ref ref=\"...\"/>");
		}
		if (this.queueSize < 1 || this.queueSize > SelectorWakeQueue.MAX_CAPACITY) {
			throw new IllegalArgumentException(
					"queueSize must be between 1 and " + SelectorWakeQueue.MAX_CAPACITY + ", was " + this.queueSize);
		}
		int threshold = (this.discardingThreshold == UNDEFINED) ? this.queueSize / 5 : this.discardingThreshold;
		if (threshold < 0 || threshold >= this.queueSize) {
			throw new IllegalArgumentException("discardingThreshold must be between 0 and queueSize - 1 ("
					+ (this.queueSize - 1) + "), was " + this.discardingThreshold);
		}
		if (this.maxFlushTime == null || this.maxFlushTime.getMilliseconds() < 0) {
			throw new IllegalArgumentException("maxFlushTime must be zero or more, was " + this.maxFlushTime);
		}
		String name = (getName() == null || getName().isBlank()) ? UNNAMED : getName();
		return new Pipeline.Settings(name, this.queueSize, threshold, parseLevel(this.neverDropLevel),
				this.includeCallerData);
	}

	private static Level parseLevel(String value) {
		String upper = (value == null) ? "" : value.trim().toUpperCase(Locale.ROOT);
		return switch (upper) {
			case "TRACE", "DEBUG", "INFO", "WARN", "ERROR" -> Level.toLevel(upper);
			default -> throw new IllegalArgumentException(
					"neverDropLevel must be TRACE, DEBUG, INFO, WARN or ERROR, was '" + value + "'");
		};
	}

	/**
	 * Queues the event, or drops and counts it. Called by Logback on the logging thread after this appender's
	 * filters; never blocks, never runs an attached appender (except on the reactor thread itself, where an
	 * attached appender logged).
	 */
	@Override
	protected void append(ILoggingEvent event) {
		this.pipeline.submit(event);
	}

	/**
	 * Stops accepting events, lets the reactor append the queued ones for up to {@code maxFlushTime} (blocking
	 * the caller that long at most), counts and reports what is left, appends a final drop summary and stops the
	 * attached appenders. If the reactor is still inside an attached appender at the timeout, the appenders are
	 * stopped by a daemon thread when it comes out, never concurrently with it. Idempotent.
	 */
	@Override
	public void stop() {
		if (!isStarted()) {
			return;
		}
		super.stop();
		Pipeline current = this.pipeline;
		Pipeline.Flush flush = current.close(java.time.Duration.ofMillis(this.maxFlushTime.getMilliseconds()));
		long lost = flush.notAppended().total();
		if (lost > 0) {
			addError(this + " stopped with " + lost + " queued events not appended within maxFlushTime="
					+ this.maxFlushTime + " (" + flush.notAppended() + "); they are counted as dropped");
		}
		else {
			addInfo(this + " appended every queued event before stopping");
		}
		if (flush.busyReactor() == null) {
			finish(current);
		}
		else {
			addWarn(this + ": its reactor is still inside an attached appender; the attached appenders are stopped "
					+ "when it returns");
			Thread stopper = new Thread(() -> {
				awaitExit(flush.busyReactor());
				if (!isStarted()) { // started again meanwhile: its appenders are in use, leave them
					finish(current);
				}
			}, "SelectorWakeQueueAppender-" + getName() + "-stopper");
			stopper.setDaemon(true);
			stopper.start();
		}
	}

	private void finish(Pipeline stopped) {
		stopped.appendFinalSummary();
		this.appenders.detachAndStopAllAppenders();
	}

	private static void awaitExit(Thread reactor) {
		boolean interrupted = false;
		while (reactor.isAlive()) {
			try {
				reactor.join();
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	// ---- observation --------------------------------------------------------------------------------------

	/**
	 * Events dropped since this appender was created, per level (all causes: full queue, too-deep nesting,
	 * unflushed at stop). Lock-free; any thread.
	 * @return a snapshot of the counts
	 */
	public DroppedEvents droppedEvents() {
		return this.dropped.snapshot();
	}

	/**
	 * The counters of the queue of the current run (or of the last one, once stopped). Lock-free; any thread.
	 * @return the queue's statistics; empty if the appender was never started
	 */
	public Optional<Stats> queueStats() {
		return queue().map(SelectorWakeQueue::stats);
	}

	/**
	 * The queue of the current run (or of the last one, once stopped), named after this appender, for metrics
	 * and diagnostics (for example {@code new SelectorWakeQueueMetrics(queue, null, null)}). Read it; do not
	 * submit tasks to it or close it: the appender owns it, and a start after a stop makes a new one.
	 * @return the queue; empty if the appender was never started
	 */
	public Optional<SelectorWakeQueue> queue() {
		Pipeline current = this.pipeline;
		return (current != null) ? Optional.of(current.queue()) : Optional.empty();
	}

	// ---- properties ---------------------------------------------------------------------------------------

	/**
	 * Sets the most events waiting in the queue, 1 to 2^30 (default {@value #DEFAULT_QUEUE_SIZE}); the ring is
	 * allocated at start, rounded up to a power of two, about 4 bytes per slot.
	 * @param queueSize the queue size
	 */
	public void setQueueSize(int queueSize) {
		this.queueSize = queueSize;
	}

	/**
	 * The configured queue size.
	 * @return the most events waiting, as set (before rounding up to a power of two)
	 */
	public int getQueueSize() {
		return this.queueSize;
	}

	/**
	 * Sets how many slots are kept for events at or above {@code neverDropLevel}: events below it are dropped
	 * once fewer slots than this are free. 0 to {@code queueSize - 1}; default {@code queueSize / 5} (as
	 * Logback's {@code AsyncAppender}).
	 * @param discardingThreshold the number of reserved slots
	 */
	public void setDiscardingThreshold(int discardingThreshold) {
		this.discardingThreshold = discardingThreshold;
	}

	/**
	 * The configured threshold.
	 * @return the reserved slots, or -1 for the default ({@code queueSize / 5})
	 */
	public int getDiscardingThreshold() {
		return this.discardingThreshold;
	}

	/**
	 * Sets the lowest level that may use the reserved slots (default {@code WARN}); one of {@code TRACE},
	 * {@code DEBUG}, {@code INFO}, {@code WARN}, {@code ERROR}. "Never dropped" means: dropped only when the whole
	 * queue is full, which needs more than {@code discardingThreshold} of these events waiting.
	 * @param neverDropLevel the level name
	 */
	public void setNeverDropLevel(String neverDropLevel) {
		this.neverDropLevel = neverDropLevel;
	}

	/**
	 * The configured lowest level that may use the reserved slots.
	 * @return the level name, as set
	 */
	public String getNeverDropLevel() {
		return this.neverDropLevel;
	}

	/**
	 * Sets whether to compute the caller data (class, method, line) on the logging thread before queueing, as
	 * {@code AsyncAppender} does; it walks the stack, so it costs microseconds per event. Default {@code false}.
	 * @param includeCallerData whether to include caller data
	 */
	public void setIncludeCallerData(boolean includeCallerData) {
		this.includeCallerData = includeCallerData;
	}

	/**
	 * Whether caller data is computed on the logging thread.
	 * @return whether to include caller data
	 */
	public boolean isIncludeCallerData() {
		return this.includeCallerData;
	}

	/**
	 * Sets how long {@link #stop()} lets the reactor append queued events, e.g. {@code 5 seconds} or
	 * {@code 500} (milliseconds). Default 5 seconds.
	 * @param maxFlushTime the flush time
	 */
	public void setMaxFlushTime(Duration maxFlushTime) {
		this.maxFlushTime = maxFlushTime;
	}

	/**
	 * The configured flush time.
	 * @return how long {@link #stop()} lets the reactor append queued events
	 */
	public Duration getMaxFlushTime() {
		return this.maxFlushTime;
	}

	// ---- AppenderAttachable -------------------------------------------------------------------------------

	@Override
	public void addAppender(Appender<ILoggingEvent> newAppender) {
		this.appenders.addAppender(newAppender);
	}

	@Override
	public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
		return this.appenders.iteratorForAppenders();
	}

	@Override
	public Appender<ILoggingEvent> getAppender(String name) {
		return this.appenders.getAppender(name);
	}

	@Override
	public boolean isAttached(Appender<ILoggingEvent> appender) {
		return this.appenders.isAttached(appender);
	}

	@Override
	public void detachAndStopAllAppenders() {
		this.appenders.detachAndStopAllAppenders();
	}

	@Override
	public boolean detachAppender(Appender<ILoggingEvent> appender) {
		return this.appenders.detachAppender(appender);
	}

	@Override
	public boolean detachAppender(String name) {
		return this.appenders.detachAppender(name);
	}

	@Override
	public String toString() {
		return "SelectorWakeQueueAppender[" + getName() + "]";
	}

}
