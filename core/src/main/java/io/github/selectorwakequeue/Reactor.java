package io.github.selectorwakequeue;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The reactor loop, on one thread: run due timers, drain the ring, sleep until woken; again and again, until
 * the queue closes. Each step is a method named for it. It knows only what is below it (the ring, the wake
 * signal, the timers, the runner, the probe it reports to, and the queue state it reads) and calls nothing
 * above: {@link #run()} returns why it stopped, and whoever runs it decides what happens next.
 *
 * <p>Every task's {@link Throwable} is contained by the {@link TaskRunner}; the thread's own interrupt status
 * is cleared and ignored (closing is the only way to stop it); selector trouble is handled inside
 * {@link WakeSignal}. Memory-ordering notes are next to the fields they concern, in {@link ReactorProbe} and
 * {@link QueueState}.
 */
final class Reactor {

	/** Why {@link #run()} returned. */
	enum Exit {

		/** The queue is closing and everything queued has run. */
		DRAINED,

		/** The queue terminated while tasks may remain: the closer owns them now. */
		TERMINATED

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

	/** The sleep re-checks, allocated once: the loop allocates nothing per sleep. */
	private final BooleanSupplier workPending = this::workPending;

	private final BooleanSupplier otherWorkPending = this::otherWorkPending;

	Reactor(QueueState state, TaskRing ring, WakeSignal signal, Timers timers, TaskRunner runner, ReactorProbe probe,
			Clock clock) {
		this.state = state;
		this.ring = ring;
		this.signal = signal;
		this.timers = timers;
		this.runner = runner;
		this.probe = probe;
		this.clock = clock;
	}

	/**
	 * Runs the loop on the calling thread until the queue closes.
	 * @return why it stopped
	 * @throws RuntimeException or {@link Error} if something outside any task failed (the thread is then
	 * replaced by its supervisor)
	 */
	Exit run() {
		try {
			while (true) {
				// An interrupt is not a request to stop (close() is): clear it, or select() would spin.
				Thread.interrupted();
				runDueTimers();
				int drained = drain();
				if (drained < 0) {
					return Exit.TERMINATED;
				}
				if (!this.state.isRunning() && this.ring.isEmpty()) {
					return Exit.DRAINED;
				}
				if (drained < DRAIN_BUDGET) {
					awaitWork();
				}
			}
		}
		finally {
			this.probe.idle();
		}
	}

	/**
	 * Runs queued tasks, FIFO, until the ring is empty or the budget is spent.
	 * @return tasks run, or -1 if the queue was terminated (the reactor must stop consuming at once)
	 */
	private int drain() {
		int count = 0;
		while (count < DRAIN_BUDGET) {
			this.probe.beginPoll();
			if (this.state.isTerminated()) {
				this.probe.idle();
				return -1;
			}
			Object element = this.ring.poll(this.clock.nanoTime());
			if (element == null) {
				this.probe.idle();
				if (this.ring.isEmpty()) {
					this.probe.markEmpty();
				}
				break;
			}
			this.probe.beginTask(count);
			this.runner.run(element);
			this.probe.endTask();
			count++;
		}
		this.probe.idle();
		return count;
	}

	private void runDueTimers() {
		long now = this.clock.nanoTime();
		Timers.Timer due;
		while ((due = this.timers.pollDue(now)) != null) {
			this.probe.beginTimer();
			this.runner.runTask(due.task);
			this.probe.idle();
		}
	}

	/**
	 * Sleeps until a producer wakes the reactor, the next timer is due, or a safety timeout; briefly, if the
	 * head slot is claimed but not yet filled (a producer between its claim and its store, or a dead one).
	 */
	private void awaitWork() {
		long timeout = Math.min(this.timers.nanosUntilNext(this.clock.nanoTime()), MAX_SLEEP_NANOS);
		boolean waitingForHole = !this.ring.isEmpty() && this.ring.hasHoleAtHead();
		if (waitingForHole) {
			timeout = Math.min(timeout, HOLE_RECHECK_NANOS);
		}
		this.signal.sleep(timeout, waitingForHole ? this.otherWorkPending : this.workPending);
	}

	/** The re-check before sleeping (R2 in {@link WakeSignal}): tasks or timers arrived, or closing began. */
	private boolean workPending() {
		return !this.ring.isEmpty() || otherWorkPending();
	}

	/** The re-check while waiting for a hole at the head to be filled, which the ring's size alone would hide. */
	private boolean otherWorkPending() {
		return this.timers.hasIncoming() || !this.state.isRunning();
	}

}
