package io.github.selectorwakequeue;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

/**
 * The reactor loop: drain the ring, run due timers, sleep in the selector until woken, again and again,
 * on one thread. Every task's {@link Throwable} is caught and reported; the thread's own interrupt
 * status is cleared and ignored; a selector that spins (the JDK epoll bug) or fails is rebuilt.
 *
 * <p>Memory-ordering notes are next to each field and step. The reactor is the ring's single consumer;
 * {@link SelectorWakeQueue#close(java.time.Duration)} may take that role over, and the {@link #phase}
 * handshake below makes the hand-over safe even while the reactor is stuck in a task.
 */
final class Reactor implements Runnable {

	private static final System.Logger LOG = System.getLogger(SelectorWakeQueue.class.getName());

	/** Not polling and not in a task: timers, sleeping, or between steps. */
	static final int IDLE = 0;

	/** Between announcing a poll and finishing it; {@code close} waits this out before it polls. */
	static final int POLLING = 1;

	/** Running user code (a task or a timer). */
	static final int IN_TASK = 2;

	/** Tasks run before the loop looks at its timers again, so a flood cannot starve them. */
	static final int DRAIN_BUDGET = 1024;

	/** Consecutive premature empty selects before the selector is rebuilt (Netty uses the same number). */
	static final int SELECTOR_SPIN_THRESHOLD = 512;

	/**
	 * Longest sleep even with nothing scheduled: a safety net, so that a producer whose thread died
	 * between enqueueing and waking (a stack overflow at exactly that point) delays its task by at most this.
	 */
	static final long MAX_SLEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

	/**
	 * How long a claimed-but-empty slot must stay empty, after a producer died mid-offer, before it is
	 * skipped (see {@link TaskRing.HoleWatch}).
	 */
	static final long HOLE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

	/** Sleep while waiting for a slow producer to fill the head slot. */
	private static final long HOLE_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	/** Stored into a dead producer's slot so the ring can move past it. */
	static final Object HOLE_MARKER = new Object();

	private static final VarHandle PHASE;

	private static final VarHandle DISPATCHED;

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			PHASE = lookup.findVarHandle(Reactor.class, "phase", int.class);
			DISPATCHED = lookup.findVarHandle(Reactor.class, "dispatched", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final SelectorWakeQueue queue;

	private final TaskRing ring;

	private final WakeSignal signal;

	private final Timers timers;

	private final TaskTimings taskTimings;

	/**
	 * {@link #IDLE}, {@link #POLLING} or {@link #IN_TASK}. The write of {@code POLLING} is volatile (a
	 * full fence) and is followed by a volatile read of the queue state: with the closer's volatile write
	 * of {@code TERMINATED} followed by its read of this field, that is a Dekker pair, so either the
	 * reactor sees {@code TERMINATED} and does not poll, or the closer sees {@code POLLING} and waits for
	 * the poll to finish. Other writes are release stores (cheap); readers are observers.
	 */
	@SuppressWarnings("unused") // accessed through PHASE
	private volatile int phase;

	/** Tasks taken and run. Written only by the reactor, with release stores; read by {@code stats()}. */
	@SuppressWarnings("unused") // accessed through DISPATCHED
	private volatile long dispatched;

	/**
	 * Start time and {@code dispatched} count of a recent task, taken at the start of each drain batch and
	 * every 64 tasks: if the reactor is still in the stamped task, its running time is exact. Written
	 * nanos first, then count; readers read count first.
	 */
	private volatile long stampNanos;

	private volatile long stampDispatched = -1;

	/** Last time the reactor found the ring empty: bounds the age of everything queued since. */
	private volatile long lastEmptyNanos = System.nanoTime();

	/** Observer memory for a task that was not stamped: the {@code dispatched} count first seen in it, and when. */
	private volatile Observation lastObservation;

	private int prematureSelects;

	private final TaskRing.HoleWatch holeWatch = new TaskRing.HoleWatch();

	Reactor(SelectorWakeQueue queue, TaskRing ring, WakeSignal signal, Timers timers, TaskTimings taskTimings) {
		this.queue = queue;
		this.ring = ring;
		this.signal = signal;
		this.timers = timers;
		this.taskTimings = taskTimings;
	}

	@Override
	public void run() {
		boolean crashed = true;
		try {
			loop();
			crashed = false;
		}
		catch (Throwable ex) {
			LOG.log(System.Logger.Level.ERROR, "Reactor of queue '" + this.queue.name() + "' died", ex);
		}
		finally {
			PHASE.setRelease(this, IDLE);
			this.queue.reactorExited(crashed);
		}
	}

	private void loop() {
		while (true) {
			// An interrupt is not a request to stop (close() is): clear it, or select() would spin.
			Thread.interrupted();
			this.queue.runLoopHook();
			runDueTimers();
			int drained = drain();
			if (drained < 0) {
				return; // closed for good: the closer owns whatever is left
			}
			if (this.queue.state() != SelectorWakeQueue.RUNNING && this.ring.isEmpty()) {
				return; // closing, and everything queued has run
			}
			if (drained < DRAIN_BUDGET) {
				awaitWork();
			}
		}
	}

	/**
	 * Runs queued tasks, FIFO, until the ring is empty or the budget is spent.
	 * @return tasks run, or -1 if the queue was terminated (the reactor must stop consuming at once)
	 */
	private int drain() {
		int count = 0;
		while (count < DRAIN_BUDGET) {
			PHASE.setVolatile(this, POLLING);
			if (this.queue.state() == SelectorWakeQueue.TERMINATED) {
				PHASE.setRelease(this, IDLE);
				return -1;
			}
			Object element = this.ring.relaxedPoll();
			if (element == null) {
				PHASE.setRelease(this, IDLE);
				if (this.ring.isEmpty()) {
					this.lastEmptyNanos = System.nanoTime();
				}
				else if (skipDeadHole()) {
					continue;
				}
				break;
			}
			if (element == HOLE_MARKER) {
				PHASE.setRelease(this, IDLE);
				continue;
			}
			long done = (long) DISPATCHED.getOpaque(this);
			if ((count & 63) == 0) {
				stamp(done);
			}
			PHASE.setRelease(this, IN_TASK);
			runElement(element);
			DISPATCHED.setRelease(this, done + 1);
			count++;
		}
		PHASE.setRelease(this, IDLE);
		return count;
	}

	private void stamp(long dispatchedSoFar) {
		this.stampNanos = System.nanoTime();
		this.stampDispatched = dispatchedSoFar;
	}

	private void runElement(Object element) {
		if (this.taskTimings != null && element instanceof SampledTask sampled) {
			long start = System.nanoTime();
			this.queue.runSafely(sampled.task());
			long end = System.nanoTime();
			try {
				this.taskTimings.record(start - sampled.enqueuedAtNanos(), end - start);
			}
			catch (Throwable ex) {
				LOG.log(System.Logger.Level.WARNING, "TaskTimings of queue '" + this.queue.name() + "' failed", ex);
			}
		}
		else {
			this.queue.runSafely(SampledTask.unwrap(element));
		}
	}

	/**
	 * The head slot is claimed but empty: a producer is between its claim and its store. Normally that
	 * lasts nanoseconds. If a producer reported dying inside an offer and the slot has stayed empty for
	 * {@link #HOLE_GRACE_NANOS} (see {@link TaskRing.HoleWatch}), plug it so the tasks behind it can run.
	 * @return whether a hole was plugged (the caller polls again at once)
	 */
	private boolean skipDeadHole() {
		return this.queue.skipDeadHole(this.holeWatch);
	}

	private void runDueTimers() {
		long now = System.nanoTime();
		Timers.Timer due;
		while ((due = this.timers.pollDue(now)) != null) {
			stamp((long) DISPATCHED.getOpaque(this));
			PHASE.setRelease(this, IN_TASK);
			this.queue.runSafely(due.task);
			PHASE.setRelease(this, IDLE);
		}
	}

	/** Sleeps in the selector until a producer wakes it, the next timer is due, or a safety timeout. */
	private void awaitWork() {
		long start = System.nanoTime();
		long timeout = Math.min(this.timers.nanosUntilNext(start), MAX_SLEEP_NANOS);
		boolean waitingForHole = !this.ring.isEmpty() && this.ring.hasHoleAtHead();
		if (waitingForHole) {
			timeout = Math.min(timeout, HOLE_RECHECK_NANOS);
		}
		this.signal.announceSleep(); // R1 (see WakeSignal)
		if (timeout <= 0 || (!this.ring.isEmpty() && !waitingForHole) || this.timers.hasIncoming()
				|| this.queue.state() != SelectorWakeQueue.RUNNING) { // R2
			this.signal.awake();
			return;
		}
		int ready;
		try {
			ready = this.signal.select(timeout); // R3
		}
		catch (IOException ex) {
			this.signal.awake();
			LOG.log(System.Logger.Level.WARNING, "Selector of queue '" + this.queue.name() + "' failed; rebuilding it", ex);
			rebuildSelector();
			return;
		}
		boolean woken = this.signal.awake(); // R4
		boolean interrupted = Thread.interrupted();
		if (ready == 0 && !woken && !interrupted && !waitingForHole && System.nanoTime() - start < timeout / 2
				&& this.ring.isEmpty()) {
			if (++this.prematureSelects >= SELECTOR_SPIN_THRESHOLD) {
				LOG.log(System.Logger.Level.WARNING, "Selector of queue '" + this.queue.name() + "' returned early "
						+ this.prematureSelects + " times in a row (JDK epoll bug); rebuilding it");
				rebuildSelector();
			}
		}
		else {
			this.prematureSelects = 0;
		}
	}

	private void rebuildSelector() {
		this.prematureSelects = 0;
		try {
			this.signal.rebuildSelector();
			this.queue.selectorRebuilt();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not rebuild the selector of queue '" + this.queue.name() + "'", ex);
		}
	}

	// ---- observers (any thread) ---------------------------------------------------------------------

	long dispatched() {
		return (long) DISPATCHED.getAcquire(this);
	}

	int phase() {
		return (int) PHASE.getAcquire(this);
	}

	/** Waits out a poll in progress; see {@link #phase}. Bounded: a poll runs no user code. */
	void awaitNotPolling() {
		while ((int) PHASE.getVolatile(this) == POLLING) {
			Thread.onSpinWait();
		}
	}

	long oldestTaskAgeNanos(long now, int size) {
		return (size == 0) ? 0 : Math.max(0, now - this.lastEmptyNanos);
	}

	/**
	 * How long the current task has been running: exact if it is the stamped one, otherwise measured from
	 * the first time an observer saw the reactor in it (so a second call sees a stall the first missed).
	 */
	long currentTaskRunningNanos(long now) {
		if (phase() != IN_TASK) {
			return 0;
		}
		long done = dispatched();
		long stamped = this.stampDispatched;
		long stampedAt = this.stampNanos;
		if (done == stamped) {
			return Math.max(0, now - stampedAt);
		}
		Observation seen = this.lastObservation;
		if (seen != null && seen.dispatched == done) {
			return Math.max(0, now - seen.sinceNanos);
		}
		this.lastObservation = new Observation(done, now);
		return 0;
	}

	private record Observation(long dispatched, long sinceNanos) {
	}

}
