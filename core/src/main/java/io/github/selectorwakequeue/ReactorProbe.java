package io.github.selectorwakequeue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What the reactor publishes about itself for observers: what it is doing ({@link #phase}), how many tasks it
 * has run, when it last found the ring empty, and time stamps from which the running time of its current task
 * is derived. Written only by the reactor thread, with cheap release stores (one clock read per 64 tasks);
 * read by any thread ({@code stats()}, the closer), lock-free.
 *
 * <p>The {@link #POLLING} phase is also half of the close hand-over: see {@link #beginPoll()}.
 */
final class ReactorProbe {

	/** Not polling and not in a task: timers, sleeping, or between steps. */
	static final int IDLE = 0;

	/** Between announcing a poll and finishing it; the closer waits this out before it polls. */
	static final int POLLING = 1;

	/** Running user code (a task or a timer). */
	static final int IN_TASK = 2;

	/** A task in this many gets an exact start stamp; the first of each drain batch always does. */
	static final int STAMP_EVERY = 64;

	private static final VarHandle PHASE;

	private static final VarHandle DISPATCHED;

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			PHASE = lookup.findVarHandle(ReactorProbe.class, "phase", int.class);
			DISPATCHED = lookup.findVarHandle(ReactorProbe.class, "dispatched", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final Clock clock;

	/**
	 * {@link #IDLE}, {@link #POLLING} or {@link #IN_TASK}. The write of {@code POLLING} is volatile (a full
	 * fence) and is followed by the reactor's volatile read of the queue state: with the closer's volatile write
	 * of {@code TERMINATED} followed by its read of this field, that is a Dekker pair, so either the reactor sees
	 * {@code TERMINATED} and does not poll, or the closer sees {@code POLLING} and waits for the poll to finish.
	 * Other writes are release stores (cheap); readers are observers.
	 */
	@SuppressWarnings("unused") // accessed through PHASE
	private volatile int phase;

	/** Tasks taken and run. Written only by the reactor, with release stores. */
	@SuppressWarnings("unused") // accessed through DISPATCHED
	private volatile long dispatched;

	/**
	 * Start time and {@code dispatched} count of a recent task: if the reactor is still in the stamped task,
	 * its running time is exact. Written nanos first, then count; readers read count first.
	 */
	private volatile long stampNanos;

	private volatile long stampDispatched = -1;

	/** Last time the reactor found the ring empty: bounds the age of everything queued since. */
	private volatile long lastEmptyNanos;

	/** Observer memory for a task that was not stamped: the {@code dispatched} count first seen in it, and when. */
	private volatile Observation lastObservation;

	ReactorProbe(Clock clock) {
		this.clock = clock;
		this.lastEmptyNanos = clock.nanoTime();
	}

	// ---- reactor side -------------------------------------------------------------------------------

	/**
	 * Announces a poll with a volatile write; the caller must then read the queue state (see {@link #phase}).
	 */
	void beginPoll() {
		PHASE.setVolatile(this, POLLING);
	}

	/** Back to idle: the poll found nothing, or the step is over. */
	void idle() {
		PHASE.setRelease(this, IDLE);
	}

	/**
	 * The time to stamp the {@code indexInBatch}-th task of a drain batch with, if that is a multiple of
	 * {@link #STAMP_EVERY}. Read before the task is taken from the ring, so that nothing between taking it and
	 * running it reads the clock.
	 * @return the clock's time, or {@code 0} for a task that is not stamped
	 */
	long stampTime(int indexInBatch) {
		return (indexInBatch % STAMP_EVERY == 0) ? this.clock.nanoTime() : 0L;
	}

	/**
	 * Marks the start of a task, stamping it with {@code stampTime} if it is the {@code indexInBatch}-th of a
	 * drain batch and that is a multiple of {@link #STAMP_EVERY}.
	 */
	void beginTask(int indexInBatch, long stampTime) {
		if (indexInBatch % STAMP_EVERY == 0) {
			stamp(stampTime);
		}
		PHASE.setRelease(this, IN_TASK);
	}

	/** Marks the end of a task: one more dispatched. */
	void endTask() {
		DISPATCHED.setRelease(this, (long) DISPATCHED.getOpaque(this) + 1);
	}

	/** Marks the start of a timer's task, always stamped (timers are few). */
	void beginTimer() {
		stamp(Clock.readHolding(this.clock)); // a claimed timer is in hand
		PHASE.setRelease(this, IN_TASK);
	}

	/** The reactor found the ring empty now. */
	void markEmpty() {
		this.lastEmptyNanos = this.clock.nanoTime();
	}

	private void stamp(long nanos) {
		this.stampNanos = nanos;
		this.stampDispatched = (long) DISPATCHED.getOpaque(this);
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

	/** An upper bound on the age of the oldest queued task: the time since the ring was last seen empty. */
	long oldestTaskAgeNanos(long now, int size) {
		return (size == 0) ? 0 : Math.max(0, now - this.lastEmptyNanos);
	}

	/**
	 * How long the current task has been running: exact if it is the stamped one, otherwise measured from the
	 * first time an observer saw the reactor in it (so a second call sees a stall the first missed).
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
