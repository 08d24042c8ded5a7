package io.github.selectorwakequeue;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The reactor loop, on one thread: run due timers, drain the ring, sleep until woken; again and again, until
 * the queue closes. Each step is a method named for it. It knows only what is below it (the ring, the wake
 * signal, the timers, the runner, the probe it reports to, and the queue state it reads) and calls nothing
 * above: {@link #run()} returns why it stopped, and whoever runs it decides what happens next.
 *
 * <p>Every task's {@link Throwable} is contained by the {@link TaskRunner}, and every task starts with the
 * thread's interrupt status clear (an interrupt is not a request to stop: closing is); selector trouble is handled
 * inside {@link WakeSignal}. Memory-ordering notes are next to the fields they concern, in {@link ReactorProbe} and
 * {@link QueueState}.
 */
final class Reactor {

	/** Why {@link #run()} returned. */
	enum Exit {

		/** The queue is closing and everything queued has run, in the ring and in every lane. */
		DRAINED,

		/** The queue terminated while tasks may remain: the closer owns them now. */
		TERMINATED,

		/**
		 * A lane's part ran on this thread for longer than the stuck threshold and a new reactor thread took over:
		 * this thread has finished that lane's work and must leave everything else alone.
		 */
		HANDED_OFF

	}

	/** Tasks run before the loop looks at its timers again, so a flood cannot starve them. */
	static final int DRAIN_BUDGET = 1024;

	/**
	 * Longest sleep even with nothing scheduled: a safety net, so that a producer whose thread died between
	 * enqueueing and waking (a stack overflow at exactly that point) delays its task by at most this.
	 */
	static final long MAX_SLEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

	/** Sleep while waiting for a slow producer to fill the head slot. */
	static final long HOLE_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	private final QueueState state;

	private final TaskRing ring;

	private final WakeSignal signal;

	private final Timers timers;

	private final TaskRunner runner;

	private final ReactorProbe probe;

	private final Clock clock;

	private final LaneDispatcher lanes;

	private final LaneRuntime laneRuntime;

	private final Overflow overflow;

	/** The sleep re-checks, allocated once: the loop allocates nothing per sleep. */
	/**
	 * The class of the last task that was not a {@link FanOut}. A failing check against an interface scans the
	 * class's secondary supertypes, on every task (it was half of the reactor's time per no-op task); comparing
	 * the class with this one first costs a load. Written by the reactor thread; whatever a successor after a
	 * hand-off reads here is a class that is not a {@code FanOut}, or {@code null}.
	 */
	private Class<?> lastPlainTaskType;

	private final BooleanSupplier workPending = this::workPending;

	private final BooleanSupplier holeFilled = this::holeFilled;

	private final BooleanSupplier laneHasRoom = this::laneHasRoom;

	Reactor(QueueState state, TaskRing ring, WakeSignal signal, Timers timers, TaskRunner runner, ReactorProbe probe,
			Clock clock, LaneDispatcher lanes, LaneRuntime laneRuntime, Overflow overflow) {
		this.overflow = overflow;
		this.state = state;
		this.ring = ring;
		this.signal = signal;
		this.timers = timers;
		this.runner = runner;
		this.probe = probe;
		this.clock = clock;
		this.lanes = lanes;
		this.laneRuntime = laneRuntime;
	}

	/**
	 * Runs the loop on the calling thread until the queue closes or the thread is handed off.
	 * @return why it stopped
	 * @throws RuntimeException or {@link Error} if something outside any task failed (the thread is then
	 * replaced by its supervisor)
	 */
	Exit run() {
		Exit exit;
		try {
			exit = loop();
		}
		catch (Throwable ex) {
			this.probe.idle();
			throw ex;
		}
		if (exit != Exit.HANDED_OFF) {
			this.probe.idle(); // a handed-off thread leaves the probe to its successor
		}
		return exit;
	}

	private Exit loop() {
		while (true) {
			// An interrupt is not a request to stop (close() is): clear it, or select() would spin.
			Thread.interrupted();
			runDueTimers();
			int resumed = resumeFanOut();
			if (resumed < 0) {
				return (resumed == TERMINATED) ? Exit.TERMINATED : Exit.HANDED_OFF;
			}
			if (resumed == LaneDispatcher.BLOCKED) {
				awaitLaneRoom();
				continue;
			}
			int drained = drain();
			if (drained < 0) {
				return (drained == TERMINATED) ? Exit.TERMINATED : Exit.HANDED_OFF;
			}
			if (!this.state.isRunning() && isDrained()) {
				return Exit.DRAINED;
			}
			if (drained < DRAIN_BUDGET) {
				awaitWork();
			}
		}
	}

	/** {@link #drain()} and {@link #resumeFanOut()} return this when the queue was terminated. */
	private static final int TERMINATED = -1;

	/** ... and this when the thread was handed off. */
	private static final int HANDED_OFF = -2;

	/**
	 * Finishes a fan-out left half-dispatched by a full lane or a hand-off, before the ring is polled again.
	 * @return {@link LaneDispatcher#DONE}, {@link LaneDispatcher#BLOCKED}, {@link #TERMINATED} or {@link #HANDED_OFF}
	 */
	private int resumeFanOut() {
		if (!this.lanes.isBlocked()) {
			return LaneDispatcher.DONE;
		}
		this.probe.beginPoll();
		if (this.state.isTerminated()) {
			this.probe.idle();
			return TERMINATED;
		}
		this.probe.beginTask(0, this.probe.stampTime(0));
		int outcome = this.lanes.resume();
		if (outcome == LaneDispatcher.HANDED_OFF) {
			return HANDED_OFF;
		}
		if (outcome == LaneDispatcher.DONE) {
			this.probe.endTask(); // the fan-out is counted once, when its last part has been handed over
		}
		this.probe.idle();
		return (outcome == LaneDispatcher.NOTHING_PENDING) ? LaneDispatcher.DONE : outcome;
	}

	/**
	 * Runs queued tasks, FIFO, until the ring is empty, the budget is spent, or a fan-out waits for a full lane.
	 * @return tasks run, {@link #TERMINATED} if the queue was terminated (the reactor must stop consuming at once),
	 * or {@link #HANDED_OFF} if this thread was handed off
	 */
	private int drain() {
		int count = 0;
		while (count < DRAIN_BUDGET) {
			this.probe.beginPoll();
			if (this.state.isTerminated()) {
				this.probe.idle();
				return TERMINATED;
			}
			long stampTime = this.probe.stampTime(count); // before the poll: see ReactorProbe.stampTime
			Object element = this.ring.poll(false);
			int outcome;
			if (element != null) {
				this.probe.beginTask(count, stampTime);
				outcome = runElement(element);
			}
			else {
				// Fan-outs that waited behind the full ring come after everything in it (see Overflow).
				FanOut overflowed = this.ring.isEmpty() ? this.overflow.poll() : null;
				if (overflowed == null) {
					this.probe.idle();
					if (this.ring.isEmpty()) {
						this.probe.markEmpty();
					}
					break;
				}
				this.probe.beginTask(count, stampTime);
				outcome = this.lanes.dispatchOverflowed(overflowed);
			}
			if (outcome == LaneDispatcher.HANDED_OFF) {
				return HANDED_OFF;
			}
			if (outcome == LaneDispatcher.DONE) {
				this.probe.endTask(); // a blocked fan-out is counted when its resumption is done
			}
			count++;
			if (outcome == LaneDispatcher.BLOCKED) {
				break;
			}
		}
		this.probe.idle();
		return count;
	}

	/** Runs a task, or dispatches a fan-out to its lanes; times it if it was sampled. */
	private int runElement(Object element) {
		if (element instanceof SampledTask sampled) {
			long start = this.clock.nanoTime();
			int outcome = runTask(sampled.task());
			if (outcome != LaneDispatcher.HANDED_OFF) {
				this.runner.recordTiming(start - sampled.enqueuedAtNanos(), this.clock.nanoTime() - start);
			}
			return outcome;
		}
		return runTask((Runnable) element);
	}

	private int runTask(Runnable task) {
		Class<?> type = task.getClass();
		if (type != this.lastPlainTaskType) {
			if (task instanceof FanOut fanOut) {
				return this.lanes.dispatch(fanOut);
			}
			this.lastPlainTaskType = type;
		}
		this.runner.runOwn(task);
		return LaneDispatcher.DONE;
	}

	/** Closing, and nothing is left anywhere: the ring, a half-dispatched fan-out, or a lane off the reactor. */
	private boolean isDrained() {
		return this.ring.isEmpty() && this.overflow.isEmpty() && !this.lanes.isBlocked() && this.laneRuntime.allIdle();
	}

	/**
	 * Runs the timers that are due. Each claim is made inside the same poll hand-shake as the ring's (see
	 * {@link ReactorProbe#beginPoll()}), so once {@code close} has terminated the queue and waited out the poll,
	 * no timer starts any more.
	 */
	private void runDueTimers() {
		long now = this.clock.nanoTime();
		while (true) {
			this.probe.beginPoll();
			Timers.Timer due = this.state.isTerminated() ? null : this.timers.pollDue(now);
			if (due == null) {
				this.probe.idle();
				return;
			}
			this.probe.beginTimer();
			this.runner.runOwn(due.task());
			this.probe.idle();
		}
	}

	/**
	 * Sleeps until a producer wakes the reactor, the next timer is due, or a safety timeout; for at most
	 * {@link #HOLE_RECHECK_NANOS} if the head slot is claimed but not yet filled (a producer between its claim and
	 * its store, or a dead one whose slot the ring plugs only after a grace period).
	 */
	private void awaitWork() {
		long timeout = Math.min(this.timers.nanosUntilNext(this.clock.nanoTime()), MAX_SLEEP_NANOS);
		boolean waitingForHole = !this.ring.isEmpty() && this.ring.hasHoleAtHead();
		if (waitingForHole) {
			timeout = Math.min(timeout, HOLE_RECHECK_NANOS);
		}
		this.signal.sleep(timeout, waitingForHole ? this.holeFilled : this.workPending);
	}

	/**
	 * A fan-out waits for a full lane: sleeps until the lane's worker makes room (it wakes the reactor when the
	 * backlog drops to half), a timer is due, or closing begins. Tasks in the ring wait: that is the back-pressure.
	 */
	private void awaitLaneRoom() {
		long timeout = Math.min(this.timers.nanosUntilNext(this.clock.nanoTime()), MAX_SLEEP_NANOS);
		this.signal.sleep(timeout, this.laneHasRoom);
	}

	/** The re-check before sleeping (R2 in {@link WakeSignal}): tasks or timers arrived, or closing can finish. */
	private boolean workPending() {
		return !this.ring.isEmpty() || !this.overflow.isEmpty() || otherWorkPending();
	}

	/**
	 * The re-check while waiting for a hole at the head to be filled: the element arrived, or other work did. Not
	 * the ring's size, which the hole keeps above zero (the reactor would spin behind a dead producer's slot); but
	 * not blind to the ring either: a producer that stored just before the sleep was announced, and looked at the
	 * sleep flag before that too, does not wake the reactor, and its task would wait for the recheck timeout.
	 */
	private boolean holeFilled() {
		return this.ring.hasElementAtHead() || otherWorkPending();
	}

	private boolean otherWorkPending() {
		return this.timers.hasIncoming() || (!this.state.isRunning() && (this.state.isTerminated() || isDrained()));
	}

	/** The re-check while a fan-out waits for a full lane. */
	private boolean laneHasRoom() {
		return this.lanes.blockedLaneHasRoom() || this.timers.hasIncoming() || this.state.isTerminated();
	}

}
