package io.github.selectorwakequeue.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.autoconfigure.events.EventDelivery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the {@link SelectorWakeQueue} bean with the context (if nothing started it earlier) and closes it
 * after the web server has shut down gracefully and stopped, draining for up to
 * {@code selector-wake-queue.shutdown-timeout}. Events the queue returns undelivered are delivered on the
 * closing thread; other returned tasks are counted in the log. Also closes the queue if the context is
 * destroyed without being stopped (a failed refresh), before the queue's own destroy method runs.
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

	private volatile boolean running;

	SelectorWakeQueueLifecycle(SelectorWakeQueue queue, Duration shutdownTimeout) {
		this.queue = queue;
		this.shutdownTimeout = shutdownTimeout;
	}

	@Override
	public void start() {
		if (this.queue.isClosed()) {
			logger.warn("Queue '{}' is closed and cannot be started again; application events are delivered "
					+ "on their publisher's thread", this.queue.name());
		}
		else {
			this.queue.start();
		}
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		closeAndDeliver();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/** A closed queue cannot start again: do not stop it for a pause. */
	@Override
	public boolean isPauseable() {
		return false;
	}

	@Override
	public void destroy() {
		closeAndDeliver();
	}

	private void closeAndDeliver() {
		if (this.queue.isClosed()) {
			return;
		}
		List<Runnable> notRun = this.queue.close(this.shutdownTimeout);
		int events = 0;
		for (Runnable task : notRun) {
			if (task instanceof EventDelivery delivery) {
				delivery.deliverOnCurrentThread();
				events++;
			}
		}
		int others = notRun.size() - events;
		if (events > 0) {
			logger.warn("Queue '{}' did not drain within {}: delivered the {} event(s) still queued on thread '{}'",
					this.queue.name(), this.shutdownTimeout, events, Thread.currentThread().getName());
		}
		if (others > 0) {
			logger.warn("Queue '{}' closed with {} task(s) that did not run (not events, so not run at shutdown)",
					this.queue.name(), others);
		}
		if (notRun.isEmpty()) {
			logger.debug("Queue '{}' closed with nothing left", this.queue.name());
		}
	}

}
