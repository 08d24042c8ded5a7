package io.github.selectorwakequeue;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Owns the reactor threads: launches the first, keeps a spare parked for hand-offs, makes a spare the reactor
 * when a hand-off commits, and replaces a reactor thread that dies of something outside any task. It hands the
 * ring's {@link ConsumerRole} to each new reactor and takes it back when a reactor exits; if the closer gave up
 * waiting for a stuck reactor, it closes the wake signal once that reactor finally leaves.
 *
 * <p>Every reactor thread, spare or not, comes from the user's thread factory, which is a call out: it may throw,
 * return {@code null}, or block. So it is called only where nothing waits on it: at {@link #start()} (whose caller
 * learns of the failure, and may call it again), by the lane monitor preparing a spare ahead of need, and by a
 * dying reactor thread replacing itself, which keeps trying, with a back-off doubling up to a second, for as long
 * as the queue runs. Never by a producer.
 *
 * <p>Thread-safe.
 */
final class ReactorSupervisor {

	/** Longest pause before restarting a reactor that keeps dying, or trying a factory that keeps failing. */
	static final long MAX_RESTART_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

	/** Longest pause between two attempts to prepare a spare while the factory fails. */
	static final long MAX_SPARE_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final String queueName;

	private final ThreadFactory threadFactory;

	private final Reactor reactor;

	private final QueueState state;

	private final ConsumerRole consumer;

	private final WakeSignal signal;

	private final QueueThreads threads;

	private final QueueLog log;

	/** The current reactor thread (or the one being started). */
	private volatile Thread thread;

	/** A parked thread ready to become the reactor at a hand-off; prepared by the lane monitor. */
	private volatile Spare spare;

	/** Set while the first reactor could not be started: {@link #start()} tries again. */
	private volatile boolean startFailed;

	/** Set while a dying reactor thread tries to start its replacement. */
	private volatile boolean restarting;

	private final AtomicLong restarts = new AtomicLong();

	private final AtomicLong handOffs = new AtomicLong();

	/** Crashes since the last reactor that exited normally: sets the restart back-off. */
	private final AtomicInteger crashes = new AtomicInteger();

	/** When the current reactor thread was launched. */
	private volatile long launchedAtNanos;

	/** Monitor-owned: when to try preparing a spare again after a failure, and the back-off after that. */
	private long spareRetryAtNanos;

	private long spareBackoffNanos;

	private int spareFailures;

	ReactorSupervisor(String queueName, ThreadFactory threadFactory, Reactor reactor, QueueState state,
			ConsumerRole consumer, WakeSignal signal, QueueThreads threads, QueueLog log) {
		this.queueName = queueName;
		this.threadFactory = (threadFactory != null) ? threadFactory : this::newReactorThread;
		this.reactor = reactor;
		this.state = state;
		this.consumer = consumer;
		this.signal = signal;
		this.threads = threads;
		this.log = log;
	}

	/**
	 * Launches the first reactor thread, or tries again after a failed first attempt.
	 * @throws IllegalStateException if the thread factory returned {@code null}, or what it or
	 * {@code Thread.start()} threw; a later call tries again
	 */
	void start() {
		if (this.thread != null && !this.startFailed) {
			return;
		}
		try {
			launch(null, false);
			this.startFailed = false;
		}
		catch (RuntimeException | Error ex) {
			this.startFailed = true;
			throw ex;
		}
	}

	/** The current reactor thread, or {@code null} before start. */
	Thread thread() {
		return this.thread;
	}

	boolean isReactorThread() {
		return Thread.currentThread() == this.thread;
	}

	/**
	 * Whether a reactor thread is running or being started (not while the first could not be started, or a dying
	 * one is still trying to start its replacement).
	 */
	boolean isAlive() {
		Thread current = this.thread;
		return current != null && !this.restarting && !this.startFailed
				&& (current.isAlive() || current.getState() == Thread.State.NEW);
	}

	/** Reactor threads started to replace one that died. */
	long restarts() {
		return this.restarts.get();
	}

	/** Spare threads made the reactor while the previous one stays with a stuck lane. */
	long handOffs() {
		return this.handOffs.get();
	}

	// ---- spares (the lane monitor) ---------------------------------------------------------------------------

	/** The spare ready for a hand-off, or {@code null}. */
	Spare spare() {
		return this.spare;
	}

	/**
	 * Step M0 of the hand-off ({@link HandOff}): makes sure a spare thread is started and parked. Calls the thread
	 * factory, so only the lane monitor calls it, between looks; a failure is logged (the first, then at doubling
	 * intervals) and retried after a back-off that doubles up to a second. Never throws.
	 */
	void prepareSpare() {
		if (this.spare != null || this.state.isTerminated()) {
			return; // while closing too: a part stuck during the drain must not hold up the others
		}
		long now = System.nanoTime();
		if (this.spareFailures > 0 && now - this.spareRetryAtNanos < 0) {
			return;
		}
		Spare prepared = new Spare();
		Thread created = null;
		try {
			created = this.threadFactory.newThread(prepared::await);
			if (created == null) {
				throw new IllegalStateException("The thread factory of queue '" + this.queueName + "' returned null");
			}
			prepared.bind(created);
			created.start();
		}
		catch (Throwable ex) {
			int failures = ++this.spareFailures;
			this.spareBackoffNanos = Math.min(MAX_SPARE_BACKOFF_NANOS,
					(failures == 1) ? TimeUnit.MILLISECONDS.toNanos(10) : this.spareBackoffNanos * 2);
			this.spareRetryAtNanos = System.nanoTime() + this.spareBackoffNanos;
			if (Integer.bitCount(failures) == 1) {
				this.log.log(System.Logger.Level.ERROR, "Could not prepare a spare reactor thread for queue '"
						+ this.queueName + "' (" + failures + " attempt(s) failed): a stuck listener holds the reactor "
						+ "until one can be made; retrying", ex);
			}
			return;
		}
		this.spareFailures = 0;
		this.spare = prepared;
		if (this.state.isTerminated()) {
			retireSpare();
		}
	}

	/**
	 * Step M4 of the hand-off: the consumer role passes from the stuck reactor thread to the spare, which becomes
	 * the recorded reactor thread. Field writes and CAS only: nothing allocates, calls out, or waits.
	 * @return whether the spare is the reactor now; {@code false} if the closer holds the role
	 */
	boolean promote(Thread stuck, Spare promoted) {
		if (this.spare != promoted || !this.consumer.passToReactor(stuck, promoted.holder)) {
			return false;
		}
		this.spare = null;
		this.launchedAtNanos = System.nanoTime();
		this.thread = promoted.thread;
		this.handOffs.incrementAndGet();
		return true;
	}

	/** Lets a parked spare end (the monitor does this when it ends, after the queue terminated). */
	void retireSpare() {
		Spare retired = this.spare;
		this.spare = null;
		if (retired != null) {
			retired.retire();
		}
	}

	// ---- the closer ------------------------------------------------------------------------------------------

	/**
	 * Waits until the reactor thread has exited, following replacements launched meanwhile, or the deadline
	 * passes. Returns at once if called on the reactor thread. The caller's interrupt status does not cut the wait
	 * short (it is cleared for the wait and restored afterwards), so a close called on an interrupted thread (a
	 * shutdown hook, say) still lets the queue drain for its whole time.
	 * @param deadlineNanos when to stop waiting, on the {@link System#nanoTime()} scale
	 */
	void awaitExit(long deadlineNanos) {
		boolean interrupted = Thread.interrupted();
		try {
			Thread current = this.thread;
			while (current != null && current != Thread.currentThread()) {
				long remaining = deadlineNanos - System.nanoTime();
				if (remaining <= 0) {
					return;
				}
				try {
					TimeUnit.NANOSECONDS.timedJoin(current, remaining);
				}
				catch (InterruptedException ex) {
					interrupted = true;
					continue;
				}
				Thread next = this.thread;
				if (next == current && !current.isAlive()) {
					return;
				}
				current = next;
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	// ---- reactor threads ---------------------------------------------------------------------------------------

	/**
	 * Launches a reactor thread if the consumer role passes to it from {@code from}.
	 * @return whether a thread was started; {@code false} if the role was not {@code from}'s to pass (the closer
	 * took it)
	 * @throws IllegalStateException if the factory returned {@code null}; or whatever the factory or
	 * {@code Thread.start()} threw (the role is then back with {@code from})
	 */
	private boolean launch(Thread from, boolean restart) {
		Thread next = this.threadFactory.newThread(this::runReactor);
		if (next == null) {
			throw new IllegalStateException("The thread factory of queue '" + this.queueName + "' returned null");
		}
		ConsumerRole.Holder holder = ConsumerRole.reactorHolder(next);
		if (!this.consumer.passToReactor(from, holder)) {
			return false; // the closer holds the role: this thread must never poll
		}
		this.launchedAtNanos = System.nanoTime();
		this.thread = next;
		try {
			next.start();
		}
		catch (Throwable ex) {
			this.thread = from;
			this.consumer.passBack(holder, from);
			throw ex;
		}
		if (restart) {
			this.restarts.incrementAndGet();
		}
		return true;
	}

	/** The body of every reactor thread. */
	private void runReactor() {
		this.threads.enter();
		Reactor.Exit exit = null;
		Throwable crash = null;
		try {
			exit = this.reactor.run();
		}
		catch (Throwable ex) {
			crash = ex;
		}
		exited(exit, crash);
	}

	/** On the exiting reactor thread: replace it if it crashed, else hand over and clean up. */
	private void exited(Reactor.Exit exit, Throwable crash) {
		if (exit == Reactor.Exit.HANDED_OFF) {
			return; // its successor owns the ring, the timers and the signal
		}
		Thread me = Thread.currentThread();
		if (crash != null) {
			int inARow = countCrash();
			logCrash(crash, inARow);
			if (this.state.isRunning() && replace(me, inARow)) {
				return;
			}
		}
		this.consumer.release(me);
		if (this.state.isTerminated()) {
			this.signal.close(); // the closer gave up waiting for us; we are the last user of the selector
		}
	}

	/**
	 * A dying reactor thread starts its replacement, trying again for as long as the queue runs: the first time at
	 * once unless the reactor keeps dying, then after a pause doubling from a millisecond to a second. It holds the
	 * consumer role meanwhile, so nothing else polls; a closer waiting for it stops the attempts.
	 * @return whether a replacement was started
	 */
	private boolean replace(Thread me, int crashesInARow) {
		this.restarting = true;
		try {
			int failures = 0;
			int pauses = crashesInARow - 1;
			while (this.state.isRunning()) {
				pause(pauses++);
				if (!this.state.isRunning()) {
					return false;
				}
				try {
					return launch(me, true);
				}
				catch (Throwable ex) {
					failures++;
					if (Integer.bitCount(failures) == 1) {
						this.log.log(System.Logger.Level.ERROR, "Could not restart the reactor of queue '"
								+ this.queueName + "' (" + failures + " attempt(s) failed); retrying", ex);
					}
				}
			}
			return false;
		}
		finally {
			this.restarting = false;
		}
	}

	/** The {@code n}-th pause before a restart: none for n = 0, then 1 ms doubling to 1 s; cut short by closing. */
	private void pause(int n) {
		if (n <= 0) {
			return;
		}
		long pause = Math.min(MAX_RESTART_BACKOFF_NANOS, TimeUnit.MILLISECONDS.toNanos(1L << Math.min(20, n - 1)));
		long deadline = System.nanoTime() + pause;
		long remaining;
		while (this.state.isRunning() && (remaining = deadline - System.nanoTime()) > 0) {
			LockSupport.parkNanos(this, Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(10)));
			Thread.interrupted();
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
			this.log.log(System.Logger.Level.ERROR, "Reactor of queue '" + this.queueName + "' died (" + inARow
					+ " time(s) in a row)", ex);
		}
	}

	private Thread newReactorThread(Runnable runnable) {
		Thread created = new Thread(runnable, this.queueName);
		created.setDaemon(true);
		return created;
	}

	/**
	 * A reactor thread started ahead of need and parked, until a hand-off makes it the reactor ({@link #go()}) or
	 * the queue ends ({@link #retire()}). It parks for at most a second at a time, so that it ends soon after the
	 * queue even if nobody retires it.
	 */
	final class Spare {

		private static final int WAITING = 0;

		private static final int REACTOR = 1;

		private static final int RETIRED = 2;

		private volatile int role = WAITING;

		private Thread thread;

		private ConsumerRole.Holder holder;

		/** Before the thread starts: the thread and its consumer-role holder, allocated now, not at the hand-off. */
		void bind(Thread created) {
			this.thread = created;
			this.holder = ConsumerRole.reactorHolder(created);
		}

		/** Step M5: wakes the spare as the reactor. */
		void go() {
			this.role = REACTOR;
			LockSupport.unpark(this.thread);
		}

		void retire() {
			this.role = RETIRED;
			LockSupport.unpark(this.thread);
		}

		/** The spare thread's body. */
		void await() {
			while (this.role == WAITING && !ReactorSupervisor.this.state.isTerminated()) {
				LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
				Thread.interrupted();
			}
			if (this.role == REACTOR) {
				runReactor();
			}
		}

	}

}
