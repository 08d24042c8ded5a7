package io.github.selectorwakequeue.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import io.github.selectorwakequeue.FanOut;
import io.github.selectorwakequeue.Lane;
import io.github.selectorwakequeue.SelectorWakeQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * Stops the {@link SelectorWakeQueue} bean's work with its context, after the web server has shut down
 * gracefully and stopped. When the context closes, the context that defined the queue bean (its owner) closes
 * the queue, draining for up to {@code selector-wake-queue.shutdown-timeout}; each task the queue returns
 * undelivered is offered to the leftover handler it was given (the event routing delivers its events on the
 * closing thread), other returned tasks are counted in the log. It also closes the queue if the context is
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

	private final Predicate<Runnable> leftoverHandler;

	private final boolean ownsQueue;

	private final BooleanSupplier contextClosing;

	private volatile boolean running;

	/**
	 * @param queue the queue to close
	 * @param shutdownTimeout how long queued tasks may still run
	 * @param leftoverHandler runs a task the queue did not run if it knows how, and says whether it did
	 * @param ownsQueue whether this lifecycle's context defined the queue bean: only then does it close it
	 * @param contextClosing whether the context is closing (rather than being stopped or paused), asked on stop
	 */
	SelectorWakeQueueLifecycle(SelectorWakeQueue queue, Duration shutdownTimeout, Predicate<Runnable> leftoverHandler,
			boolean ownsQueue, BooleanSupplier contextClosing) {
		this.queue = Objects.requireNonNull(queue, "queue");
		this.shutdownTimeout = Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
		this.leftoverHandler = Objects.requireNonNull(leftoverHandler, "leftoverHandler");
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
			closeAndDeliver();
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
			closeAndDeliver();
		}
	}

	/**
	 * Waits until every task the queue accepted before this call has run, for up to the shutdown timeout: a
	 * marker is queued behind them and awaited. The marker is a fan-out with a part in every lane (or a plain task
	 * when there are no lanes): lanes run their parts in order, so once every part has run, so has every event a
	 * listener was given before, even by a listener that runs off the reactor. Does not wait on the reactor thread
	 * itself, nor for a closed queue.
	 */
	private void awaitQueuedTasks() {
		if (this.queue.isClosed() || this.queue.isReactorThread()) {
			return;
		}
		long deadline = System.nanoTime() + this.shutdownTimeout.toNanos();
		List<Lane> lanes = this.queue.lanes();
		CountDownLatch ran = new CountDownLatch(Math.max(1, lanes.size()));
		Runnable marker = lanes.isEmpty() ? ran::countDown : new DrainMarker(lanes, ran);
		try {
			while (!this.queue.offer(marker)) {
				if (this.queue.isClosed()) {
					return;
				}
				if (deadline - System.nanoTime() <= 0) {
					break;
				}
				// Full: wait for the reactor to make room; this thread is stopping a context, nothing else.
				Thread.sleep(1);
			}
			if (ran.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
				return;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		logger.warn("Queue '{}' did not run the tasks queued before this context stopped within {}; "
				+ "they stay queued and run later", this.queue.name(), this.shutdownTimeout);
	}

	/** A part in each lane that counts down when its lane reaches it. */
	private record DrainMarker(List<Lane> lanes, CountDownLatch ran) implements FanOut {

		@Override
		public int parts() {
			return this.lanes.size();
		}

		@Override
		public Lane lane(int index) {
			return this.lanes.get(index);
		}

		@Override
		public void runPart(int index) {
			this.ran.countDown();
		}

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
