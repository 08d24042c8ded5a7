package io.github.selectorwakequeue;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Owns the reactor thread: launches it, runs the {@link Reactor} on it, and replaces it when it dies of
 * something outside any task. A thread that cannot be replaced at once (its factory failed) leaves the queue
 * marked dead, and the next producer that wakes the reactor tries again. It also hands the ring's
 * {@link ConsumerRole} to each new thread and releases it when the thread exits, and, if the closer gave up
 * waiting for a stuck reactor, closes the wake signal once that reactor finally leaves.
 *
 * <p>Thread-safe. Launching calls the user's thread factory, so it is never done by a producer that merely
 * enqueued; only a producer that found the reactor asleep and dead does it.
 */
final class ReactorSupervisor {

	private static final System.Logger LOG = System.getLogger(SelectorWakeQueue.class.getName());

	private final String queueName;

	private final ThreadFactory threadFactory;

	private final Reactor reactor;

	private final QueueState state;

	private final ConsumerRole consumer;

	private final WakeSignal signal;

	private final Timers timers;

	private volatile Thread thread;

	/** Set by a reactor thread that died and could not be replaced; the next producer to wake it restarts it. */
	private final AtomicBoolean dead = new AtomicBoolean();

	private final AtomicLong restarts = new AtomicLong();

	ReactorSupervisor(String queueName, ThreadFactory threadFactory, Reactor reactor, QueueState state,
			ConsumerRole consumer, WakeSignal signal, Timers timers) {
		this.queueName = queueName;
		this.threadFactory = (threadFactory != null) ? threadFactory : this::newReactorThread;
		this.reactor = reactor;
		this.state = state;
		this.consumer = consumer;
		this.signal = signal;
		this.timers = timers;
	}

	/**
	 * Launches the first reactor thread.
	 * @throws IllegalStateException if the thread factory returned {@code null}
	 */
	void start() {
		launch(false);
	}

	/** The current reactor thread, or {@code null} before start. */
	Thread thread() {
		return this.thread;
	}

	boolean isReactorThread() {
		return Thread.currentThread() == this.thread;
	}

	/** Whether the current reactor thread is alive. */
	boolean isAlive() {
		Thread current = this.thread;
		return current != null && current.isAlive();
	}

	/** Reactor threads started to replace one that died. */
	long restarts() {
		return this.restarts.get();
	}

	/**
	 * Restarts the reactor if it is marked dead. Called by a producer that has just woken a sleeping reactor
	 * (a dead one always looks asleep: see {@link WakeSignal#requestWake()}).
	 */
	void reviveIfDead() {
		if (this.dead.get() && this.state.isRunning() && this.dead.compareAndSet(true, false)) {
			try {
				launch(true);
			}
			catch (Throwable ex) {
				LOG.log(System.Logger.Level.ERROR, "Could not restart the reactor of queue '" + this.queueName + "'", ex);
			}
		}
	}

	private void launch(boolean restart) {
		Thread next = this.threadFactory.newThread(this::runReactor);
		if (next == null) {
			markDead();
			throw new IllegalStateException("The thread factory of queue '" + this.queueName + "' returned null");
		}
		this.consumer.assign(next);
		this.thread = next;
		if (restart) {
			this.restarts.incrementAndGet();
		}
		try {
			next.start();
		}
		catch (Throwable ex) {
			this.consumer.release(next);
			markDead();
			throw ex;
		}
	}

	private void markDead() {
		this.dead.set(true);
		this.signal.requestWake();
	}

	/** The body of every reactor thread. */
	private void runReactor() {
		Reactor.Exit exit = null;
		try {
			exit = this.reactor.run();
		}
		catch (Throwable ex) {
			LOG.log(System.Logger.Level.ERROR, "Reactor of queue '" + this.queueName + "' died", ex);
		}
		finally {
			exited(exit);
		}
	}

	/** On the exiting reactor thread: replace it if it crashed, else hand over and clean up. */
	private void exited(Reactor.Exit exit) {
		Thread me = Thread.currentThread();
		if (exit == null && this.state.isRunning()) {
			try {
				launch(true);
				return;
			}
			catch (Throwable ex) {
				LOG.log(System.Logger.Level.ERROR, "Could not restart the reactor of queue '" + this.queueName
						+ "'; the next task submitted will try again", ex);
				return;
			}
		}
		if (exit != null) {
			this.timers.cancelAll();
		}
		this.consumer.release(me);
		if (this.state.isTerminated()) {
			this.signal.close(); // the closer gave up waiting for us; we are the last user of the selector
		}
	}

	private Thread newReactorThread(Runnable runnable) {
		Thread created = new Thread(runnable, this.queueName);
		created.setDaemon(true);
		return created;
	}

}
