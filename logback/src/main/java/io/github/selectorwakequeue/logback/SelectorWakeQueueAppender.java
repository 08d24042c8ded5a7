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
 * {@link #setMaxFlushTime maxFlushTime} ({@code 0}: until all is appended), even if the calling thread is
 * interrupted; events still queued then are counted as dropped and reported (status error and final summary line),
 * never silently lost. Events logged while it runs, and after, are appended inline (those an attached appender
 * logs) or counted as dropped (those of other threads). It then stops the attached appenders.</li>
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

	private boolean neverBlockFalseIgnored;

	/** Set before {@link #running} on start; the current run, or the last one after stop. */
	private volatile Pipeline pipeline;

	/**
	 * What {@link #isStarted()} answers. Logback's own {@code started} flag stays set once a start succeeded, so that
	 * {@code doAppend} hands every later event to {@link #append}: the stopping or stopped run counts it as dropped
	 * instead of Logback's "Attempted to append to non started appender" warning, which loses it uncounted.
	 */
	private volatile boolean running;

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
		Pipeline previous = this.pipeline;
		if (previous != null && previous.isStopping()) {
			addWarn(this + " is still stopping its previous run; not started");
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
		this.discardingThreshold = settings.discardingThreshold(); // the effective value, as AsyncAppender shows it
		super.start();
		this.running = true;
		addInfo(this + " started: queueSize=" + settings.queueSize() + ", discardingThreshold="
				+ settings.discardingThreshold() + ", neverDropLevel=" + settings.neverDropLevel() + ", includeCallerData="
				+ settings.includeCallerData() + ", maxFlushTime=" + this.maxFlushTime);
		if (this.neverBlockFalseIgnored) {
			addInfo(this + ": neverBlock=false is ignored: this appender never blocks the caller; when its queue is "
					+ "full it drops the event and counts it");
		}
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
		if (this.maxFlushTime == null || this.maxFlushTime.getMilliseconds() < 0) { // 0: until flushed
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
	 * the caller that long at most; {@code 0}: until all are appended), counts and reports what is left, appends a
	 * final drop summary and stops the attached appenders. Events logged meanwhile on other threads, and after,
	 * are counted as dropped; events an attached appender logs are appended inline. The caller's interrupt flag
	 * does not cut the flush short and is restored. Called by an attached appender on the reactor itself, it
	 * returns at once and the reactor appends what is queued right after the current event. If the reactor is
	 * still inside an attached appender at the timeout, the appenders are stopped by a daemon thread when it
	 * comes out, never concurrently with it. Idempotent: a second call returns at once. See {@link StopSequence}.
	 */
	@Override
	public void stop() {
		Pipeline current = this.pipeline;
		if (current == null || !current.beginStop()) {
			return;
		}
		this.running = false;
		new StopSequence(current, this.appenders, this, toString(), this.maxFlushTime, this::isStarted).run();
	}

	/**
	 * Whether the appender is started: {@code false} from the moment {@link #stop()} begins.
	 * @return whether events are being queued
	 */
	@Override
	public boolean isStarted() {
		return this.running;
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
	 * Events waiting in the queue now, as {@code AsyncAppender}'s method of that name. Wait-free; any thread.
	 * @return the number of events queued; 0 if the appender was never started
	 */
	public int getNumberOfElementsInQueue() {
		Pipeline current = this.pipeline;
		return (current != null) ? current.size() : 0;
	}

	/**
	 * Free slots out of {@code queueSize} now, as {@code AsyncAppender}'s method of that name. Wait-free; any
	 * thread.
	 * @return the slots free; {@code queueSize} if the appender was never started
	 */
	public int getRemainingCapacity() {
		Pipeline current = this.pipeline;
		return (current != null) ? current.remainingCapacity() : this.queueSize;
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
	 * Sets when events below {@code neverDropLevel} are dropped: when fewer than this many of the
	 * {@code queueSize} slots are free ({@code AsyncAppender}'s rule, so 10 slots with a threshold of 2 take 9 such
	 * events). 0 to {@code queueSize - 1} (0: they may fill the queue); default {@code queueSize / 5}.
	 * @param discardingThreshold the threshold, in free slots
	 */
	public void setDiscardingThreshold(int discardingThreshold) {
		this.discardingThreshold = discardingThreshold;
	}

	/**
	 * The threshold: as configured, or, once started with the default, the value in effect, as on
	 * {@code AsyncAppender}.
	 * @return the threshold in free slots; -1 for the default before the first start
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
	 * {@code 500} (milliseconds); {@code 0} waits until all are appended, as on {@code AsyncAppender}. Default 5
	 * seconds.
	 * @param maxFlushTime the flush time
	 */
	public void setMaxFlushTime(Duration maxFlushTime) {
		this.maxFlushTime = maxFlushTime;
	}

	/**
	 * Sets {@code maxFlushTime} in milliseconds, as {@code AsyncAppender.setMaxFlushTime(int)} does, for code
	 * that configures the appender in Java. It returns this appender rather than {@code void} so that Logback's
	 * configuration sees one {@code maxFlushTime} setter, the {@link #setMaxFlushTime(Duration) Duration} one,
	 * which reads plain milliseconds too.
	 * @param millis the flush time in milliseconds; 0 waits until all are appended
	 * @return this appender
	 */
	public SelectorWakeQueueAppender setMaxFlushTime(int millis) {
		this.maxFlushTime = Duration.buildByMilliseconds(millis);
		return this;
	}

	/**
	 * The configured flush time.
	 * @return how long {@link #stop()} lets the reactor append queued events
	 */
	public Duration getMaxFlushTime() {
		return this.maxFlushTime;
	}

	/**
	 * Accepts {@code AsyncAppender}'s {@code neverBlock} so that its configuration moves over unchanged. This
	 * appender never blocks whatever the value: with {@code false}, the start says so in the status log (INFO).
	 * @param neverBlock ignored; {@code false} is noted in the status log
	 */
	public void setNeverBlock(boolean neverBlock) {
		this.neverBlockFalseIgnored = !neverBlock;
	}

	/**
	 * Always {@code true}: a full queue drops and counts events, it never blocks the caller.
	 * @return {@code true}
	 */
	public boolean isNeverBlock() {
		return true;
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
