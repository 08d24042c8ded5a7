package io.github.selectorwakequeue.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

import io.github.selectorwakequeue.LaneStats;
import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.Stats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.SmartLifecycle;

/**
 * Stops the {@link SelectorWakeQueue} bean's work with its context, after the web server has shut down
 * gracefully and stopped. When the context closes, the context that defined the queue bean (its owner) closes
 * the queue, draining for up to {@code selector-wake-queue.shutdown-timeout}, and no longer: that bounds the whole
 * close. It says at INFO when draining starts (how much waits, the bound) and reports, at WARN, what was left: the
 * deliveries not made, per listener, and other tasks. Those are not run (with Spring Modulith, a module listener's
 * publication stays incomplete in the registry, for resubmission). It also closes the queue if the context is
 * destroyed without being stopped (a failed refresh, or a close after {@code stop()}), before the queue's own
 * destroy method runs.
 *
 * <p>A plain {@code stop()} or {@code pause()} of a context that is not closing does not close the queue: it
 * waits, for up to the same timeout, until what was queued before it has run, and keeps the reactor, so that
 * after {@code start()} or {@code restart()} events are delivered on the reactor as before. In a child context
 * that uses its parent's queue it never closes the queue, and waits the same way when the child stops or
 * closes, so the child's events reach its listeners before they are destroyed. Starting is not its job: the
 * queue is started as soon as it exists (see {@link SelectorWakeQueueStarter}).
 */
final class SelectorWakeQueueLifecycle implements SmartLifecycle, DisposableBean {

	/**
	 * Below the web server's graceful shutdown ({@code DEFAULT_PHASE - 1024}) and its stop
	 * ({@code DEFAULT_PHASE - 2048}): stopping runs from the highest phase down, so the queue closes only
	 * once no request can publish any more. Starting runs upwards, so the reactor runs before the server.
	 */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private static final Logger logger = LoggerFactory.getLogger(SelectorWakeQueueLifecycle.class);

	private final SelectorWakeQueue queue;

	private final Duration shutdownTimeout;

	private final boolean ownsQueue;

	private final BooleanSupplier contextClosing;

	private volatile boolean running;

	/**
	 * @param queue the queue to close
	 * @param shutdownTimeout how long queued tasks may still run
	 * @param ownsQueue whether this lifecycle's context defined the queue bean: only then does it close it
	 * @param contextClosing whether the context is closing (rather than being stopped or paused), asked on stop
	 */
	SelectorWakeQueueLifecycle(SelectorWakeQueue queue, Duration shutdownTimeout, boolean ownsQueue,
			BooleanSupplier contextClosing) {
		this.queue = Objects.requireNonNull(queue, "queue");
		this.shutdownTimeout = Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
		this.ownsQueue = ownsQueue;
		this.contextClosing = Objects.requireNonNull(contextClosing, "contextClosing");
	}

	@Override
	public void start() {
		if (this.queue.isClosed()) {
			logger.warn("Queue '{}' is closed and cannot be started again; application events are delivered "
					+ "on their publisher's thread", this.queue.name());
		}
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.ownsQueue && this.contextClosing.getAsBoolean()) {
			closeWithinTimeout();
		}
		else {
			awaitQueuedTasks();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	@Override
	public void destroy() {
		if (this.ownsQueue) {
			closeWithinTimeout();
		}
	}

	/**
	 * Waits until the queue is quiescent with respect to this call (everything accepted before it, and what that
	 * queued in turn, has run: {@link SelectorWakeQueue#awaitQuiescence}), for up to the shutdown timeout. Does not
	 * wait on the queue's own threads, nor for a closed queue.
	 */
	private void awaitQueuedTasks() {
		if (this.queue.isClosed()) {
			return;
		}
		try {
			if (this.queue.awaitQuiescence(this.shutdownTimeout)) {
				return;
			}
		}
		catch (IllegalStateException ex) {
			return; // stopped from a listener on the queue's own thread: it cannot wait for itself
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		logger.warn("Queue '{}' did not run the tasks queued before this context stopped within {}; "
				+ "they stay queued and run later", this.queue.name(), timeout());
	}

	private void closeWithinTimeout() {
		if (this.queue.isClosed()) {
			return;
		}
		long waiting = waiting();
		if (waiting > 0) {
			logger.info("Closing queue '{}': draining {} waiting task(s) and listener event(s) for up to {} "
					+ "(selector-wake-queue.shutdown-timeout)", this.queue.name(), waiting, timeout());
		}
		List<Runnable> notRun = this.queue.close(this.shutdownTimeout);
		if (notRun.isEmpty()) {
			logger.debug("Queue '{}' closed with nothing left", this.queue.name());
			return;
		}
		LeftoverReport left = new LeftoverReport(notRun);
		if (left.deliveries() > 0) {
			logger.warn("Queue '{}' did not drain within {}: {} event deliveries not made, per listener: {}. "
					+ "(With Spring Modulith, the publications of module listeners stay incomplete in the event "
					+ "publication registry, for resubmission.) Raise selector-wake-queue.shutdown-timeout to let "
					+ "them finish", this.queue.name(), timeout(), left.deliveries(), left.perListener());
		}
		if (left.otherTasks() > 0) {
			logger.warn("Queue '{}' closed with {} task(s) that did not run", this.queue.name(), left.otherTasks());
		}
	}

	private String timeout() {
		return DurationStyle.SIMPLE.print(this.shutdownTimeout);
	}

	/** Tasks in the queue and events in the lanes' backlogs now. */
	private long waiting() {
		Stats stats = this.queue.stats();
		long waiting = stats.size();
		for (var lane : this.queue.lanes()) {
			LaneStats laneStats = lane.stats();
			waiting += laneStats.depth();
		}
		return waiting;
	}

}
