package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A serial lane of a {@link SelectorWakeQueue}: the parts of {@link FanOut}s addressed to it run one at a time, in
 * the order the queue accepted the fan-outs. Lanes of the same queue are independent: a slow or stuck lane delays
 * only itself.
 *
 * <ul>
 * <li><b>On the reactor</b> (the usual case): a quick lane's part runs inline on the reactor thread as soon as the
 * reactor reaches its fan-out, with no hand-off and no extra wake-up.</li>
 * <li><b>On a worker</b>: a lane whose measured cost per part exceeds the queue's slow threshold (three timed parts
 * in a row) moves off the reactor. The reactor appends its parts to the lane's backlog and a worker thread runs
 * them, in order; once its cost stays below half the threshold (sixteen parts in a row) and its backlog is empty,
 * it runs on the reactor again.</li>
 * <li><b>Stuck</b>: a part that runs on the reactor for longer than the stuck threshold is left running on its
 * thread, and a fresh reactor thread carries on with everything else (the rest of that fan-out first). When the part
 * returns, its thread works through the lane's backlog; the lane then counts as slow, so it stays on a worker until
 * its parts are quick again as above. A part that runs on a worker for longer than the stuck threshold shows as
 * stuck too.</li>
 * </ul>
 * A lane's backlog holds at most the queue's lane limit: a lane that falls that far behind holds the reactor back
 * (it stops taking tasks until the lane has room again), so the queue fills and its overflow policy applies to
 * new submissions, and nothing accepted is reordered or dropped.
 *
 * <p>Get one with {@link SelectorWakeQueue#lane(String)}; when whatever it served is gone (a listener removed at
 * run time), {@link #release()} it, so that the queue forgets it once its last part has run. Thread-safe;
 * {@link #stats()} and {@link #release()} never block.
 */
public final class Lane {

	/** Where a lane's parts run now. */
	public enum Mode {

		/** Inline on the reactor thread. */
		ON_REACTOR,

		/** On a worker thread, because it is slow, or was stuck and is catching up. */
		ON_WORKER,

		/**
		 * A part has been running for longer than the stuck threshold: on the thread the reactor left it on, or on a
		 * worker. The lane's other parts wait behind it; nothing else does.
		 */
		STUCK

	}

	private final String name;

	private final LaneRuntime runtime;

	private final Clock clock;

	private final long slowThresholdNanos;

	private final long stuckThresholdNanos;

	/** Parts waiting while the lane is off the reactor. Appended by the reactor; polled by the lane's runner. */
	final ConcurrentLinkedQueue<LanePart> backlog = new ConcurrentLinkedQueue<>();

	/** Parts in {@link #backlog}. */
	final AtomicInteger depth = new AtomicInteger();

	/** Places reserved by fan-outs waiting in the queue's {@link Overflow}: they count against the backlog limit. */
	final AtomicInteger overflowed = new AtomicInteger();

	/**
	 * Off the reactor: the reactor appends instead of running inline. Written by the reactor (or by the monitor at
	 * a hand-off, while the reactor thread is stuck); read by the reactor.
	 */
	volatile boolean detached;

	/** A worker runs (or is about to run) the backlog. Set by whoever schedules one, cleared by the worker. */
	final AtomicBoolean workerActive = new AtomicBoolean();

	/** The measured cost says this lane is slow: the reactor detaches it, a worker attaches it back. */
	volatile boolean slow;

	/** Smoothed cost of a part, in nanoseconds; written by whoever runs the lane (one at a time). */
	volatile long costNanos;

	/** Timed parts in a row above the slow threshold before a lane leaves the reactor. */
	static final int SLOW_AFTER = 3;

	/** Parts in a row below half the slow threshold before a slow lane may come back to the reactor. */
	static final int QUICK_AFTER = 16;

	/** Whether the first part, which is not judged, has been timed. Written by whoever runs the lane. */
	boolean warmedUp;

	/** Timed parts in a row on the same side of the threshold. Written by whoever runs the lane. */
	int streak;

	/** Reactor-owned: parts run inline so far, to choose which to time. */
	int inlineRuns;

	/** Parts run, wherever. Written by whoever runs the lane (one at a time), with release stores. */
	volatile long delivered;

	private static final java.lang.invoke.VarHandle DELIVERED;

	static {
		try {
			DELIVERED = java.lang.invoke.MethodHandles.lookup().findVarHandle(Lane.class, "delivered", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	/** While a part runs off the reactor: its thread, and since when; 0 and {@code null} otherwise. */
	volatile Thread runningThread;

	volatile long runningSinceNanos;

	/** Set while a part that was handed off (stuck) is running. */
	volatile boolean stuck;

	/** 1 while a worker is between checking the queue state and taking a part (close waits this out). */
	volatile boolean polling;

	/**
	 * Parts given to run off the reactor: appended to the backlog, or left running on a thread that was handed off.
	 * With {@link #detachedDone}, what {@code awaitQuiescence} waits for.
	 */
	final AtomicLong detachedParts = new AtomicLong();

	/** Of {@link #detachedParts}, those that have run (or were run by whoever found them at close). */
	final AtomicLong detachedDone = new AtomicLong();

	/** Set by {@link #release()}; cleared if the lane is asked for again before it is forgotten. */
	volatile boolean released;

	/**
	 * The hand-off prepared for this lane's part running inline, written by the monitor just before it tries to
	 * commit it (see {@link HandOff}); the thread left with the part reads it once its commit is known. Cleared by
	 * the monitor if the commit failed.
	 */
	volatile HandOff.Record handOff;

	/**
	 * Hand-offs of this lane in a row, recently: each one doubles how long its next inline part may run before it is
	 * handed off again (so a listener that is sometimes slow does not thrash), and one is forgotten for every
	 * {@link LaneRuntime#HAND_OFF_DECAY_PARTS} quick parts it runs, wherever. Written by the monitor (up) and by
	 * whoever runs the lane (down).
	 */
	volatile int handOffs;

	/** Quick parts timed since {@link #handOffs} last went down. Written by whoever runs the lane. */
	int quickSinceHandOff;

	/** Whether a hand-off of this lane has been logged at INFO already (later ones are logged at DEBUG). */
	volatile boolean handOffLogged;

	Lane(String name, LaneRuntime runtime, Clock clock, long slowThresholdNanos, long stuckThresholdNanos) {
		this.name = Objects.requireNonNull(name, "name");
		this.runtime = runtime;
		this.clock = clock;
		this.slowThresholdNanos = slowThresholdNanos;
		this.stuckThresholdNanos = stuckThresholdNanos;
	}

	/**
	 * @return the lane's name: a metric tag and a label in health details, so keep it bounded and free of data
	 */
	public String name() {
		return this.name;
	}

	/**
	 * A snapshot of the lane. Lock-free; any thread.
	 * @return the lane's mode, backlog, progress and, while a part runs off the reactor, its thread
	 */
	public LaneStats stats() {
		long now = this.clock.nanoTime();
		Thread thread = this.runningThread;
		long since = this.runningSinceNanos;
		LanePart head = this.backlog.peek();
		long runningFor = (thread != null && since != 0) ? Math.max(0, now - since) : 0;
		Mode mode = (this.stuck || runningFor > this.stuckThresholdNanos) ? Mode.STUCK
				: (this.detached ? Mode.ON_WORKER : Mode.ON_REACTOR);
		return new LaneStats(this.name, mode, this.depth.get(), this.delivered,
				Duration.ofNanos((head != null) ? Math.max(0, now - head.enqueuedAtNanos()) : 0),
				Duration.ofNanos(runningFor), thread, Duration.ofNanos(this.costNanos));
	}

	/**
	 * Tells the queue that whatever this lane served is gone. Once nothing waits in the lane and no part of it runs
	 * off the reactor, the queue forgets it: it leaves {@link SelectorWakeQueue#lanes()}, lane observers hear of it
	 * ({@link LaneObserver#released(Lane)}), and {@link SelectorWakeQueue#lane(String)} with its name creates a new
	 * lane. Until then, and for fan-outs that still address it afterwards, it works as before: nothing addressed to
	 * it is dropped. Asking for the lane by name before it is forgotten keeps it. Idempotent; never blocks; any
	 * thread.
	 */
	public void release() {
		this.released = true;
		this.runtime.forgetIfReleased(this);
	}

	/**
	 * One more part run. A release store, not a volatile one: only observers read it, and a full fence per inline
	 * part is what the reactor can least afford. By whoever runs the lane's parts (one at a time).
	 */
	void countDelivered() {
		DELIVERED.setRelease(this, (long) DELIVERED.getOpaque(this) + 1);
	}

	/** Forgets this lane if it was released and is idle now (see {@link LaneRuntime#forgetIfReleased(Lane)}). */
	void forgetIfReleased() {
		this.runtime.forgetIfReleased(this);
	}

	/**
	 * After the queue terminated: waits until no thread runs this lane's parts any more, so that a part run inline
	 * then (the rest of a fan-out close gave up on) never runs beside the lane's current one. The lane's runner lets go
	 * once its current part returns, and a lane still waiting for a worker is let go at shutdown; a part that never
	 * returns keeps the caller here, as it keeps its own thread.
	 */
	void awaitNoRunner() {
		for (int spins = 0; this.workerActive.get(); spins++) {
			if (spins < 64) {
				Thread.onSpinWait();
			}
			else {
				java.util.concurrent.locks.LockSupport.parkNanos(this, 100_000);
			}
		}
	}

	/** Whether nothing waits in the lane and no part of it runs off the reactor. */
	boolean isIdle() {
		return this.depth.get() == 0 && !this.workerActive.get() && !this.stuck;
	}

	/**
	 * Records the cost of one part and moves the lane on or off the reactor accordingly. A lane turns slow after
	 * {@link #SLOW_AFTER} timed parts in a row above the slow threshold, and quick again after {@link #QUICK_AFTER}
	 * parts in a row below half of it: one part that happened to be preempted, or that paid for class loading (the
	 * first part of a lane is not judged at all), does not move a lane.
	 */
	void recordCost(long nanos, boolean onReactor) {
		if (this.handOffs > 0 && nanos < this.slowThresholdNanos
				&& ++this.quickSinceHandOff >= LaneRuntime.HAND_OFF_DECAY_PARTS) {
			this.quickSinceHandOff = 0;
			this.handOffs = this.handOffs - 1; // quick again for a while: one recent hand-off forgotten
		}
		if (!this.warmedUp) {
			this.warmedUp = true;
			return;
		}
		long previous = this.costNanos;
		this.costNanos = (previous == 0) ? nanos : (3 * previous + nanos) / 4;
		long threshold = this.slowThresholdNanos;
		if (onReactor) {
			this.streak = (nanos > threshold) ? this.streak + 1 : 0;
			if (this.streak >= SLOW_AFTER) {
				this.slow = true;
				this.streak = 0;
			}
		}
		else if (this.slow) {
			this.streak = (nanos < threshold / 2) ? this.streak + 1 : 0;
			if (this.streak >= QUICK_AFTER) {
				this.slow = false;
				this.streak = 0;
			}
		}
	}

	@Override
	public String toString() {
		return "Lane[" + this.name + "]";
	}

}
