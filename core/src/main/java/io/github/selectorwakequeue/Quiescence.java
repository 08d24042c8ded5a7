package io.github.selectorwakequeue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits until everything a queue accepted before the wait began has run, with everything that work queued in turn:
 * {@code SelectorWakeQueue.awaitQuiescence}. It costs the hot path nothing while nobody waits, and one check while
 * somebody does.
 *
 * <h2>How it knows</h2>
 * Work is counted, not watched: a waiter never needs the queue to be idle, so producers that keep submitting do not
 * hold it up with work submitted after it began.
 * <ol>
 * <li><b>The ring.</b> The producer index counts every slot ever claimed; the reactor counts each element once its
 * own part of it is over (a task ran; every part of a fan-out ran inline, or was appended to its lane, or was left
 * on a thread that was handed off), and the ring counts plugged slots. Elements are counted in ring order, so once
 * the count reaches the producer index read at the start, every element accepted before has been through the
 * reactor. Fan-outs kept in order behind a full ring ({@link Overflow}) are counted the same way, by their own
 * counts.</li>
 * <li><b>The lanes.</b> Each lane counts the parts it was given to run off the reactor and those that have run;
 * a part is given before its fan-out is counted, so once the reactor has passed the target, a snapshot of what
 * each lane was given covers every part of the work waited for.</li>
 * <li><b>The chain.</b> While anybody waits (the waiter count shares the queue state's word, which every producer
 * reads after its offer anyway), an offer made on one of the queue's own threads (the reactor, a lane worker, a
 * thread handed off with a stuck part) raises a mark to the producer index after its slot. That work was queued by
 * work being waited for (or by later work, which makes the wait a little longer, never shorter), so the waiter
 * moves its target up to the mark and goes round again, until a round ends with no new mark.</li>
 * </ol>
 * Dekker pairs make the two counts safe: a waiter adds itself to the state word (a full fence) and then reads the
 * producer index; a producer claims its slot (a CAS) and then reads the state word. So either the producer sees
 * the waiter and raises the mark, or the waiter's target covers the slot. A part or task increments its count only
 * after it returned, and so after any offer it made: a waiter that sees the count sees the mark.
 *
 * <p>Timers count only once due and run (a timer due later is not work waited for). Work that a task hands to
 * another executor, which submits it later from its own thread, is not followed.
 */
final class Quiescence {

	/** Longest pause between two looks while waiting. */
	static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	private final TaskRing ring;

	private final Overflow overflow;

	private final ReactorProbe probe;

	private final LaneRuntime lanes;

	private final QueueState state;

	private final QueueThreads threads;

	/** The producer index after the latest offer made on one of the queue's threads while somebody waited. */
	private final AtomicLong chainMark = new AtomicLong();

	/** The same for the overflow: its append count after the latest such append. */
	private final AtomicLong overflowChainMark = new AtomicLong();

	Quiescence(TaskRing ring, Overflow overflow, ReactorProbe probe, LaneRuntime lanes, QueueState state,
			QueueThreads threads) {
		this.ring = ring;
		this.overflow = overflow;
		this.probe = probe;
		this.lanes = lanes;
		this.state = state;
		this.threads = threads;
	}

	/**
	 * A producer's offer (or overflow append) was accepted while somebody waits: if it was made on one of the
	 * queue's threads, the work it queued is part of the chain. Never blocks.
	 */
	void accepted() {
		if (this.threads.isCurrent()) {
			raise(this.chainMark, this.ring.currentProducerIndex());
			raise(this.overflowChainMark, this.overflow.appended());
		}
	}

	private static void raise(AtomicLong mark, long value) {
		long current;
		while (value > (current = mark.get()) && !mark.compareAndSet(current, value)) {
			Thread.onSpinWait();
		}
	}

	/**
	 * Waits until the work described in this class has run.
	 * @param timeoutNanos how long to wait at most
	 * @return {@code true} once it has, {@code false} at the timeout
	 * @throws InterruptedException if the calling thread is interrupted while waiting
	 */
	boolean await(long timeoutNanos) throws InterruptedException {
		long deadline = System.nanoTime() + timeoutNanos;
		this.state.addWaiter();
		try {
			long ringTarget = this.ring.currentProducerIndex();
			long overflowTarget = this.overflow.appended();
			Pause pause = new Pause(deadline);
			while (true) {
				while (!this.state.isTerminated() && !reactorPassed(ringTarget, overflowTarget)) {
					if (!pause.pause()) {
						return false;
					}
				}
				if (!awaitLanes(pause)) {
					return false;
				}
				long mark = this.chainMark.get();
				long overflowMark = this.overflowChainMark.get();
				if ((mark <= ringTarget && overflowMark <= overflowTarget) || this.state.isTerminated()) {
					return true;
				}
				ringTarget = Math.max(ringTarget, mark);
				overflowTarget = Math.max(overflowTarget, overflowMark);
			}
		}
		finally {
			this.state.removeWaiter();
		}
	}

	/**
	 * Whether the reactor is done with every ring element below {@code ringTarget} and every overflow entry below
	 * {@code overflowTarget}. The probe counts both kinds; the overflow counts its own, each after the entry is done
	 * and before the probe counts it, so reading the probe first never credits the ring with an overflow entry.
	 */
	private boolean reactorPassed(long ringTarget, long overflowTarget) {
		long dispatched = this.probe.dispatched();
		long overflowDone = this.overflow.done();
		return dispatched - overflowDone + this.ring.plugged() >= ringTarget && overflowDone >= overflowTarget;
	}

	/**
	 * Waits until each lane has run what it was given so far; once the queue is terminated, until no lane runs a
	 * part any more (what waits in a backlog then belongs to the closer).
	 */
	private boolean awaitLanes(Pause pause) throws InterruptedException {
		List<Lane> snapshot = this.lanes.lanes();
		long[] given = new long[snapshot.size()];
		for (int i = 0; i < given.length; i++) {
			given[i] = snapshot.get(i).detachedParts.get();
		}
		for (int i = 0; i < given.length; i++) {
			Lane lane = snapshot.get(i);
			while (this.state.isTerminated() ? lane.workerActive.get() || lane.stuck
					: lane.detachedDone.get() < given[i]) {
				if (!pause.pause()) {
					return false;
				}
			}
		}
		return true;
	}

	/** Pauses between two looks: parks that start at a microsecond and double up to {@link #MAX_PAUSE_NANOS}. */
	private static final class Pause {

		private final long deadline;

		private long nanos = 1_000;

		Pause(long deadline) {
			this.deadline = deadline;
		}

		/** @return {@code false} once the deadline has passed */
		boolean pause() throws InterruptedException {
			long remaining = this.deadline - System.nanoTime();
			if (remaining <= 0) {
				return false;
			}
			LockSupport.parkNanos(this, Math.min(remaining, this.nanos));
			this.nanos = Math.min(MAX_PAUSE_NANOS, this.nanos * 2);
			if (Thread.interrupted()) {
				throw new InterruptedException();
			}
			return true;
		}

	}

}
