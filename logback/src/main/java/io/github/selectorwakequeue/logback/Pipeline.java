package io.github.selectorwakequeue.logback;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

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
 *
 * <p><b>Lifecycle.</b> Open, then stopping (one {@link StopSequence} has begun: the queue refuses events, which
 * are counted), then stopped.
 */
final class Pipeline {

	private static final int OPEN = 0;

	private static final int STOPPING = 1;

	private static final int STOPPED = 2;

	private final SelectorWakeQueue queue;

	private final Trampoline trampoline;

	private final DropReport dropReport;

	private final LevelCounters dropped;

	private final int queueSize;

	private final int discardLimit;

	private final int neverDropLevel;

	private final boolean includeCallerData;

	private final AtomicInteger state = new AtomicInteger(OPEN);

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
		try {
			prepare(event, this.includeCallerData);
		}
		catch (Throwable ex) { // say, a context without an MDC adapter: Logback reports the exception, we count the event
			drop(level);
			throw ex;
		}
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

	/** Begins this run's one stop; {@code false} if a stop has already begun. */
	boolean beginStop() {
		return this.state.compareAndSet(OPEN, STOPPING);
	}

	/** Whether a stop has begun and not yet finished. */
	boolean isStopping() {
		return this.state.get() == STOPPING;
	}

	void markStopped() {
		this.state.set(STOPPED);
	}

	boolean isReactorThread() {
		return this.queue.isReactorThread();
	}

	/**
	 * Stops accepting events and lets the reactor append the queued ones for up to {@code timeout}; blocks the
	 * caller that long at most (see {@link SelectorWakeQueue#close(Duration)}), and not at all on the reactor.
	 * @return the events the reactor did not get to, oldest first, neither appended nor counted yet (the drop
	 * report's pending summary timer, which close also returns, is not one: the stop writes the last summary itself)
	 */
	List<ILoggingEvent> close(Duration timeout) {
		List<Runnable> notRun = this.queue.close(timeout);
		List<ILoggingEvent> events = new ArrayList<>(notRun.size());
		for (Runnable task : notRun) {
			if (task instanceof AppendTask append) {
				events.add(append.event);
			}
		}
		return events;
	}

	/**
	 * Reactor thread, once nothing else is being appended: appends the events, each followed by those logged while
	 * appending it, until the deadline, and counts the rest as dropped.
	 * @return the events counted as dropped, per level
	 */
	DroppedEvents appendInline(List<ILoggingEvent> events, Deadline deadline) {
		int next = 0;
		while (next < events.size() && !deadline.passed()) {
			this.trampoline.appendTopLevel(events.get(next++));
		}
		return dropAll(events.subList(next, events.size()));
	}

	/**
	 * Counts the events as dropped.
	 * @return the same counts, per level
	 */
	DroppedEvents dropAll(List<ILoggingEvent> events) {
		LevelCounters lost = new LevelCounters();
		for (ILoggingEvent event : events) {
			lost.increment(event.getLevel());
			drop(event.getLevel());
		}
		return lost.snapshot();
	}

	/** Runs the action on the reactor once it has finished appending the current event (see {@link Trampoline#whenIdle}). */
	void whenIdle(Runnable action) {
		this.trampoline.whenIdle(action);
	}

	/** The reactor thread if it is still alive, and not the calling thread: still inside an attached appender. */
	Optional<Thread> busyReactor() {
		return this.queue.reactorThread().filter((thread) -> thread.isAlive() && thread != Thread.currentThread());
	}

	/** Appends the last drop summary (see {@link DropReport#appendFinalSummary}). Only once the reactor has exited, or on it. */
	void appendFinalSummary(Deadline deadline) {
		this.dropReport.appendFinalSummary(deadline);
	}

	/** Events waiting now. */
	int size() {
		return this.queue.size();
	}

	/** Slots free now, out of {@code queueSize}. */
	int remainingCapacity() {
		return Math.max(0, this.queueSize - this.queue.size());
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

}
