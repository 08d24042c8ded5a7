package io.github.selectorwakequeue.logback;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.spi.ContextAware;
import io.github.selectorwakequeue.OverflowPolicy;
import io.github.selectorwakequeue.SelectorWakeQueue;

/**
 * One start of a {@link SelectorWakeQueueAppender}: its queue and reactor, the rule that admits or drops an
 * event on the caller's thread, and the reactor's {@link Trampoline} and {@link DropReport}. A stopped appender
 * that starts again gets a new one (a closed queue does not reopen).
 *
 * <p><b>Admission</b> (caller's thread, never blocks, never runs an appender): {@code AsyncAppender}'s rule. An
 * event below {@code neverDropLevel} is dropped when fewer than {@code discardingThreshold} of the
 * {@code queueSize} slots are free (so at most {@code queueSize - discardingThreshold + 1} such events wait, and
 * never more than {@code queueSize}); an event at or above it when all {@code queueSize} slots are taken.
 * Dropped events are counted. The occupancy read and the offer are two steps, so each thread logging at that very
 * moment can overshoot a limit by one event (the ring's capacity, {@code queueSize} rounded up to a power of
 * two, is the hard limit).
 */
final class Pipeline {

	private final SelectorWakeQueue queue;

	private final Trampoline trampoline;

	private final DropReport dropReport;

	private final LevelCounters dropped;

	private final int queueSize;

	private final int discardLimit;

	private final int neverDropLevel;

	private final boolean includeCallerData;

	Pipeline(Settings settings, AttachedAppenders appenders, LevelCounters dropped, Logger reportLogger,
			ContextAware owner) {
		Objects.requireNonNull(settings, "settings");
		Objects.requireNonNull(owner, "owner");
		this.queueSize = settings.queueSize();
		// AsyncAppender drops a discardable event when remainingCapacity() < discardingThreshold
		this.discardLimit = Math.min(settings.queueSize(), settings.queueSize() - settings.discardingThreshold() + 1);
		this.neverDropLevel = settings.neverDropLevel().toInt();
		this.includeCallerData = settings.includeCallerData();
		this.dropped = Objects.requireNonNull(dropped, "dropped");
		this.queue = SelectorWakeQueue.builder()
			.name(settings.name())
			.capacity(settings.queueSize())
			.overflowPolicy(OverflowPolicy.DISCARD) // never consulted: this class only offers
			.threadFactory((runnable) -> {
				Thread thread = new Thread(runnable, "SelectorWakeQueueAppender-" + settings.name());
				thread.setDaemon(true);
				return thread;
			})
			.errorHandler((task, error) -> owner.addError("Appender [" + settings.name() + "] failed in " + task, error))
			.build();
		this.trampoline = new Trampoline(appenders, this::drop, this.includeCallerData);
		this.dropReport = new DropReport(this.queue, dropped, this.trampoline, reportLogger, settings.name());
	}

	void start() {
		this.queue.start();
	}

	/** Caller's thread (any thread): queue the event, or count it dropped. Never blocks. */
	void submit(ILoggingEvent event) {
		if (this.queue.isReactorThread()) {
			this.trampoline.logged(event);
			return;
		}
		Level level = event.getLevel();
		int limit = (level.toInt() >= this.neverDropLevel) ? this.queueSize : this.discardLimit;
		if (this.queue.size() >= limit) {
			drop(level);
			return;
		}
		prepare(event, this.includeCallerData);
		if (!this.queue.offer(new AppendTask(this, event))) {
			drop(level);
		}
	}

	/** Reactor thread: a queued event's turn. */
	void appendQueued(ILoggingEvent event) {
		if (!this.queue.isReactorThread()) {
			// Offered while the queue was closing and rescued on the offering thread: appending here would be
			// caller-runs, which brings the lock-order deadlocks back. Count it instead.
			drop(event.getLevel());
			return;
		}
		this.trampoline.appendTopLevel(event);
	}

	private void drop(Level level) {
		this.dropReport.drop(level);
	}

	private void drop(Level level, boolean report) {
		if (report) {
			this.dropReport.drop(level);
		}
		else {
			this.dropped.increment(level);
		}
	}

	/**
	 * Stops accepting events, lets the reactor append the queued ones for up to {@code timeout}, and counts the
	 * rest as dropped. Blocks the caller for at most {@code timeout} (see {@link SelectorWakeQueue#close(Duration)}).
	 * @return the events left unappended, per level, and whether the reactor has exited
	 */
	Flush close(Duration timeout) {
		boolean onReactor = this.queue.isReactorThread();
		List<Runnable> notRun = this.queue.close(timeout);
		LevelCounters lost = new LevelCounters();
		for (Runnable task : notRun) {
			Level level = ((AppendTask) task).event.getLevel();
			lost.increment(level);
			drop(level);
		}
		Optional<Thread> reactor = this.queue.reactorThread();
		boolean reactorExited = !onReactor && reactor.map((thread) -> !thread.isAlive()).orElse(true);
		return new Flush(lost.snapshot(), reactorExited ? null : reactor.get());
	}

	/** Appends the last drop summary. Only once the reactor has exited. */
	void appendFinalSummary() {
		this.dropReport.appendFinalSummary();
	}

	SelectorWakeQueue queue() {
		return this.queue;
	}

	/** The cheap part of deferred processing, on the logging thread: message, thread name, MDC, caller data. */
	static void prepare(ILoggingEvent event, boolean includeCallerData) {
		event.prepareForDeferredProcessing();
		if (includeCallerData) {
			event.getCallerData();
		}
	}

	/** The validated configuration of one start. */
	record Settings(String name, int queueSize, int discardingThreshold, Level neverDropLevel,
			boolean includeCallerData) {
	}

	/**
	 * What {@link #close} left behind.
	 * @param notAppended events still queued at the timeout, now counted as dropped
	 * @param busyReactor the reactor thread if it is still inside an attached appender, else {@code null}
	 */
	record Flush(DroppedEvents notAppended, Thread busyReactor) {
	}

}
