package io.github.selectorwakequeue;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

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

	/** Longest pause before restarting a reactor that keeps dying. */
	static final long MAX_RESTART_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

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

	private final AtomicLong handOffs = new AtomicLong();

	/** Crashes since the last reactor that exited normally: sets the restart back-off. */
	private final AtomicInteger crashes = new AtomicInteger();

	/** When the current reactor thread was launched. */
	private volatile long launchedAtNanos;

	/** Why a producer's restart failed, logged by the next reactor that starts (never on the producer). */
	private volatile Throwable reviveFailure;

	private final QueueThreads threads;

	ReactorSupervisor(String queueName, ThreadFactory threadFactory, Reactor reactor, QueueState state,
			ConsumerRole consumer, WakeSignal signal, Timers timers, QueueThreads threads) {
		this.threads = threads;
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
		launch(null, false);
	}

	/** The current reactor thread, or {@code null} before start. */
	Thread thread() {
		return this.thread;
	}

	boolean isReactorThread() {
		return Thread.currentThread() == this.thread;
	}

	/**
	 * Whether the current reactor thread is alive, or is being started (a hand-off or a restart has made it the
	 * reactor and is in {@code Thread.start()}; if starting fails, the reactor is marked dead).
	 */
	boolean isAlive() {
		Thread current = this.thread;
		return current != null
				&& (current.isAlive() || (current.getState() == Thread.State.NEW && !this.dead.get()));
	}

	/** Reactor threads started to replace one that died. */
	long restarts() {
		return this.restarts.get();
	}

	/** Reactor threads started to carry on while the previous one stays with a stuck lane. */
	long handOffs() {
		return this.handOffs.get();
	}

	/**
	 * Launches a new reactor thread while {@code stuck} stays with a lane's part (step M4 of the hand-off protocol
	 * in {@link LaneDispatcher}). The stuck thread keeps its name (thread dumps show the listener's frames; the
	 * lane's stats name the lane). Called by the lane monitor. Never throws: a failure leaves the reactor dead, to
	 * be revived by the next producer.
	 */
	void handOff(Thread stuck) {
		try {
			if (launch(stuck, false)) {
				this.handOffs.incrementAndGet();
			}
		}
		catch (Throwable ex) {
			// The stuck thread will never poll again (it was handed off): let a revived reactor take the role.
			this.consumer.release(stuck);
			markDead();
			LOG.log(System.Logger.Level.ERROR, "Could not start a new reactor for queue '" + this.queueName
					+ "' while a lane is stuck; the next task submitted will try again", ex);
		}
	}

	/**
	 * Waits until the reactor thread has exited, following replacements launched meanwhile, or the deadline
	 * passes. Returns at once if called on the reactor thread.
	 * @param deadlineNanos when to stop waiting, on the {@link System#nanoTime()} scale
	 */
	void awaitExit(long deadlineNanos) throws InterruptedException {
		Thread current = this.thread;
		while (current != null && current != Thread.currentThread()) {
			long remaining = deadlineNanos - System.nanoTime();
			if (remaining <= 0) {
				return;
			}
			TimeUnit.NANOSECONDS.timedJoin(current, remaining);
			Thread next = this.thread;
			if (next == current && !current.isAlive()) {
				return;
			}
			current = next;
		}
	}

	/**
	 * Restarts the reactor if it is marked dead. Called by a producer that has just woken a sleeping reactor
	 * (a dead one always looks asleep: see {@link WakeSignal#requestWake()}). Never throws; a failure is kept for
	 * the log of the next reactor that starts, so that the producer's thread never logs.
	 */
	void reviveIfDead() {
		if (this.dead.get() && this.state.isRunning() && this.dead.compareAndSet(true, false)) {
			try {
				launch(null, true);
			}
			catch (Throwable ex) {
				this.reviveFailure = ex;
			}
		}
	}

	/**
	 * Launches a reactor thread if the consumer role passes to it from {@code from}.
	 * @return whether a thread was started
	 */
	private boolean launch(Thread from, boolean restart) {
		Thread next = this.threadFactory.newThread(this::runReactor);
		if (next == null) {
			markDead();
			throw new IllegalStateException("The thread factory of queue '" + this.queueName + "' returned null");
		}
		if (!this.consumer.passToReactor(from, next)) {
			return false; // the closer (or another launcher) holds the role: this thread must never poll
		}
		this.thread = next;
		this.launchedAtNanos = System.nanoTime();
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
		return true;
	}

	private void markDead() {
		this.dead.set(true);
		this.signal.requestWake();
	}

	/** The body of every reactor thread. */
	private void runReactor() {
		this.threads.enter();
		Throwable failure = this.reviveFailure;
		if (failure != null) {
			this.reviveFailure = null;
			LOG.log(System.Logger.Level.ERROR, "A producer could not restart the reactor of queue '" + this.queueName
					+ "'", failure);
		}
		Reactor.Exit exit = null;
		try {
			exit = this.reactor.run();
		}
		catch (Throwable ex) {
			logCrash(ex, countCrash());
		}
		finally {
			exited(exit);
		}
	}

	/** On the exiting reactor thread: replace it if it crashed, else hand over and clean up. */
	private void exited(Reactor.Exit exit) {
		if (exit == Reactor.Exit.HANDED_OFF) {
			return; // its successor owns the ring, the timers and the signal
		}
		Thread me = Thread.currentThread();
		if (exit == null && this.state.isRunning()) {
			backOffBeforeRestart();
			try {
				if (this.state.isRunning() && launch(me, true)) {
					return;
				}
			}
			catch (Throwable ex) {
				LOG.log(System.Logger.Level.ERROR, "Could not restart the reactor of queue '" + this.queueName
						+ "'; the next task submitted will try again", ex);
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

	/**
	 * Reactors that keep dying at once (a broken selector, a fault outside any task) are restarted after a pause
	 * that doubles with each crash in a row, up to {@link #MAX_RESTART_BACKOFF_NANOS}, instead of in a tight loop
	 * that floods the log. The pause is taken on the dying thread and cut short when closing begins.
	 */
	private void backOffBeforeRestart() {
		int inARow = this.crashes.get();
		if (inARow <= 1) {
			return;
		}
		long pause = Math.min(MAX_RESTART_BACKOFF_NANOS, TimeUnit.MILLISECONDS.toNanos(1L << Math.min(20, inARow - 2)));
		long deadline = System.nanoTime() + pause;
		long remaining;
		while (this.state.isRunning() && (remaining = deadline - System.nanoTime()) > 0) {
			LockSupport.parkNanos(this, Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(10)));
		}
	}

	/** Counts a crash: the first of a new series if the reactor had run for a while. */
	private int countCrash() {
		if (System.nanoTime() - this.launchedAtNanos > MAX_RESTART_BACKOFF_NANOS) {
			this.crashes.set(0); // it ran for a while: not a crash loop
		}
		return this.crashes.incrementAndGet();
	}

	private void logCrash(Throwable ex, int inARow) {
		if (inARow <= 3 || Integer.bitCount(inARow) == 1) {
			LOG.log(System.Logger.Level.ERROR, "Reactor of queue '" + this.queueName + "' died (" + inARow
					+ " time(s) in a row)", ex);
		}
	}

	private Thread newReactorThread(Runnable runnable) {
		Thread created = new Thread(runnable, this.queueName);
		created.setDaemon(true);
		return created;
	}

}
