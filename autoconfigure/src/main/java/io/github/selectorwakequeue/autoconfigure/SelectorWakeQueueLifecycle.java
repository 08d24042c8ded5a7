package io.github.selectorwakequeue.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import io.github.selectorwakequeue.SelectorWakeQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * Closes the {@link SelectorWakeQueue} bean after the web server has shut down gracefully and stopped, draining
 * for up to {@code selector-wake-queue.shutdown-timeout}. Each task the queue returns undelivered is offered to
 * the leftover handler it was given (the event routing delivers its events on the closing thread); other
 * returned tasks are counted in the log. Also closes the queue if the context is destroyed without being
 * stopped (a failed refresh), before the queue's own destroy method runs. Starting is not its job: the queue
 * is started as soon as it exists (see {@link SelectorWakeQueueStarter}).
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

	private final Predicate<Runnable> leftoverHandler;

	private volatile boolean running;

	/**
	 * @param queue the queue to close
	 * @param shutdownTimeout how long queued tasks may still run
	 * @param leftoverHandler runs a task the queue did not run if it knows how, and says whether it did
	 */
	SelectorWakeQueueLifecycle(SelectorWakeQueue queue, Duration shutdownTimeout, Predicate<Runnable> leftoverHandler) {
		this.queue = queue;
		this.shutdownTimeout = shutdownTimeout;
		this.leftoverHandler = leftoverHandler;
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
		int handled = 0;
		for (Runnable task : notRun) {
			if (this.leftoverHandler.test(task)) {
				handled++;
			}
		}
		int others = notRun.size() - handled;
		if (handled > 0) {
			logger.warn("Queue '{}' did not drain within {}: delivered the {} event(s) still queued on thread '{}'",
					this.queue.name(), this.shutdownTimeout, handled, Thread.currentThread().getName());
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
