package io.github.selectorwakequeue.logback;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.spi.ContextAware;

/**
 * One {@code stop()} of a {@link SelectorWakeQueueAppender}'s run: what is queued is appended within
 * {@code maxFlushTime} or counted as dropped, the last summary line is written, and the attached appenders are
 * stopped, never while another thread is inside them.
 *
 * <table>
 * <caption>Steps</caption>
 * <tr><th>step</th><th>called on any other thread</th><th>called on the reactor (by an attached appender)</th></tr>
 * <tr><td>commit</td><td colspan="2">{@link Pipeline#beginStop()}: one CAS, so one stop per run; the appender
 * reads as stopped. From here on, events logged on other threads are counted as dropped and events an attached
 * appender logs on the reactor are appended inline, as always.</td></tr>
 * <tr><td>flush</td><td>close the queue, waiting up to {@code maxFlushTime} (for ever if 0) while the reactor
 * appends; the caller's interrupt flag is cleared for the wait and restored after, as {@code AsyncAppender} does.
 * What is left is counted.</td><td>close the queue (the reactor cannot wait for itself); once the current append
 * returns, append what it gave back, on the reactor, until {@code maxFlushTime} has passed; count the
 * rest.</td></tr>
 * <tr><td>report</td><td colspan="2">a status error naming the count left, or a status info that all was
 * appended.</td></tr>
 * <tr><td>finish</td><td>once the reactor has exited: the last summary line, then stop the attached appenders. If
 * the reactor is still inside an attached appender at the deadline, a daemon thread does this when it leaves,
 * unless the appender has been started again.</td><td>right after the flush, on the reactor.</td></tr>
 * </table>
 */
final class StopSequence {

	private final Pipeline pipeline;

	private final AttachedAppenders appenders;

	private final ContextAware status;

	private final String owner;

	private final ch.qos.logback.core.util.Duration maxFlushTime;

	private final BooleanSupplier startedAgain;

	/**
	 * @param pipeline the run to stop; {@link Pipeline#beginStop()} already returned {@code true}
	 * @param appenders the attached appenders, stopped at the end
	 * @param status where status messages go (the appender)
	 * @param owner the appender, as status messages name it
	 * @param maxFlushTime how long the flush may take; 0 for no limit
	 * @param startedAgain whether the appender has been started again (asked before a late finish)
	 */
	StopSequence(Pipeline pipeline, AttachedAppenders appenders, ContextAware status, String owner,
			ch.qos.logback.core.util.Duration maxFlushTime, BooleanSupplier startedAgain) {
		this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
		this.appenders = Objects.requireNonNull(appenders, "appenders");
		this.status = Objects.requireNonNull(status, "status");
		this.owner = Objects.requireNonNull(owner, "owner");
		this.maxFlushTime = Objects.requireNonNull(maxFlushTime, "maxFlushTime");
		this.startedAgain = Objects.requireNonNull(startedAgain, "startedAgain");
	}

	/** Runs the steps after the commit. Blocks for at most {@code maxFlushTime} plus the last line's spacing. */
	void run() {
		Deadline deadline = Deadline.ofMaxFlushTime(java.time.Duration.ofMillis(this.maxFlushTime.getMilliseconds()));
		if (this.pipeline.isReactorThread()) {
			List<ILoggingEvent> left = this.pipeline.close(java.time.Duration.ZERO);
			this.pipeline.whenIdle(() -> {
				report(this.pipeline.appendInline(left, deadline));
				finish(deadline);
			});
			return;
		}
		boolean interrupted = Thread.interrupted();
		try {
			report(this.pipeline.dropAll(this.pipeline.close(deadline.remaining())));
			Optional<Thread> busy = this.pipeline.busyReactor();
			if (busy.isEmpty()) {
				finish(deadline);
			}
			else {
				finishWhenLeft(busy.get());
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private void report(DroppedEvents lost) {
		if (lost.total() > 0) {
			this.status.addError(this.owner + " stopped with " + lost.total() + " queued events not appended within "
					+ "maxFlushTime=" + this.maxFlushTime + " (" + lost + "); they are counted as dropped");
		}
		else {
			this.status.addInfo(this.owner + " appended every queued event before stopping");
		}
	}

	private void finish(Deadline deadline) {
		try {
			this.pipeline.appendFinalSummary(deadline);
			this.appenders.detachAndStopAllAppenders();
		}
		finally {
			this.pipeline.markStopped();
		}
	}

	private void finishWhenLeft(Thread reactor) {
		this.status.addWarn(this.owner + ": its reactor is still inside an attached appender; the attached appenders "
				+ "are stopped when it returns");
		this.pipeline.markStopped(); // this stop() returns: the appender may be started again meanwhile
		Thread stopper = new Thread(() -> {
			awaitExit(reactor);
			if (!this.startedAgain.getAsBoolean()) { // started again: its appenders are in use, leave them
				this.pipeline.appendFinalSummary(Deadline.none());
				this.appenders.detachAndStopAllAppenders();
			}
		}, reactor.getName() + "-stopper");
		stopper.setDaemon(true);
		stopper.start();
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

}
