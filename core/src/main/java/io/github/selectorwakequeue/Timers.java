package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One-shot timers run by the reactor loop, like Twisted's {@code callLater}: any thread adds a timer through a
 * lock-free hand-off queue; only the reactor thread moves them into its deadline heap and runs the due ones. The
 * reactor's {@code select} timeout is the time until the earliest deadline.
 *
 * <p>Deadlines are compared by their difference, never by value, and delays are capped at {@link #MAX_DELAY}, so
 * a "forever" delay neither overflows into the past nor blocks the heap. A cancelled timer lets go of its task at
 * once (what it captures can be collected), and the reactor drops cancelled timers from the heap whenever they
 * make up more than half of it, so cancelled per-request timeouts do not pile up until their deadlines.
 *
 * <p>The hand-off is a {@link ConcurrentLinkedQueue}: its node is allocated before the linking CAS, so an error in
 * a scheduling thread cannot leave it half-linked. Pending timers are also kept in a concurrent set, so that the
 * closer can take them ({@link #cancelPending()}) even while a stuck reactor thread still owns the heap.
 */
final class Timers {

	/** Longest delay honoured; longer ones are shortened to it (about 73 years). */
	static final long MAX_DELAY_NANOS = Long.MAX_VALUE / 4;

	static final Duration MAX_DELAY = Duration.ofNanos(MAX_DELAY_NANOS);

	/** Below this many cancelled timers in the heap, purging is not worth a pass. */
	private static final int PURGE_MINIMUM = 64;

	private final ConcurrentLinkedQueue<Timer> incoming = new ConcurrentLinkedQueue<>();

	private final AtomicLong sequence = new AtomicLong();

	/** Timers cancelled and not yet dropped from the heap (or the hand-off queue). */
	private final AtomicInteger cancelled = new AtomicInteger();

	/** Reactor-owned. */
	private final PriorityQueue<Timer> heap = new PriorityQueue<>(Timers::compare);

	/** Every timer neither run nor cancelled yet. Any thread. */
	private final Set<Timer> pending = ConcurrentHashMap.newKeySet();

	/**
	 * Adds a timer. Any thread; never blocks.
	 * @param now the current time
	 * @param delayNanos the delay, at most {@link #MAX_DELAY_NANOS}
	 */
	Timer add(long now, long delayNanos, Runnable task) {
		Timer timer = new Timer(now + Math.min(delayNanos, MAX_DELAY_NANOS), this.sequence.getAndIncrement(), task,
				this.cancelled, this.pending);
		this.pending.add(timer);
		this.incoming.offer(timer);
		return timer;
	}

	boolean hasIncoming() {
		return !this.incoming.isEmpty();
	}

	/**
	 * Moves newly added timers into the heap and drops cancelled ones. Reactor thread only.
	 * @return nanoseconds until the earliest deadline (at most 0 if one is due), or {@code Long.MAX_VALUE}
	 */
	long nanosUntilNext(long now) {
		transferIncoming();
		purgeIfWorthIt();
		Timer head;
		while ((head = this.heap.peek()) != null && head.isCancelled()) {
			drop(this.heap.poll());
		}
		return (head != null) ? head.deadline - now : Long.MAX_VALUE;
	}

	/**
	 * Removes the earliest timer if it is due and claims it for running. Reactor thread only.
	 * @return the due timer, claimed, or {@code null} if none is due
	 */
	Timer pollDue(long now) {
		transferIncoming();
		Timer head;
		while ((head = this.heap.peek()) != null && head.deadline - now <= 0) {
			this.heap.poll();
			if (head.claim()) {
				return head;
			}
			drop(head);
		}
		return null;
	}

	/** Timers waiting, cancelled or not, for tests. Reactor thread only (or once the reactor is gone). */
	int size() {
		transferIncoming();
		return this.heap.size();
	}

	private void transferIncoming() {
		Timer timer;
		while ((timer = this.incoming.poll()) != null) {
			this.heap.add(timer);
		}
	}

	private void purgeIfWorthIt() {
		int dead = this.cancelled.get();
		if (dead >= PURGE_MINIMUM && dead > this.heap.size() / 2) {
			this.heap.removeIf((timer) -> timer.isCancelled() && drop(timer));
		}
	}

	private boolean drop(Timer timer) {
		if (timer.isCancelled()) {
			this.cancelled.decrementAndGet();
		}
		return true;
	}

	/**
	 * Cancels every timer not yet run, at close; any thread, even while the reactor still owns the heap (a stuck one
	 * that will drop them when it comes back). A timer the reactor claims at the same moment runs instead.
	 * @return the tasks of the timers this call cancelled, earliest deadline first
	 */
	List<Runnable> cancelPending() {
		List<Timer> snapshot = new ArrayList<>(this.pending);
		snapshot.sort(Timers::compare);
		List<Runnable> tasks = new ArrayList<>();
		for (Timer timer : snapshot) {
			Runnable task = timer.task;
			if (task != null && timer.cancel()) {
				tasks.add(task);
			}
		}
		return tasks;
	}

	/** Earlier deadline first (by difference, so values may wrap), then earlier scheduling. */
	private static int compare(Timer a, Timer b) {
		long difference = a.deadline - b.deadline;
		return (difference != 0) ? Long.signum(difference) : Long.compare(a.sequence, b.sequence);
	}

	/** A scheduled task and its state. */
	static final class Timer implements Cancellable {

		private static final int PENDING = 0;

		private static final int CLAIMED = 1;

		private static final int CANCELLED = 2;

		final long deadline;

		final long sequence;

		/** Cleared when cancelled, so that what the task captures can be collected before the deadline. */
		private volatile Runnable task;

		private final AtomicInteger cancelledInHeap;

		private final Set<Timer> pending;

		private final AtomicInteger state = new AtomicInteger(PENDING);

		Timer(long deadline, long sequence, Runnable task, AtomicInteger cancelledInHeap, Set<Timer> pending) {
			this.deadline = deadline;
			this.sequence = sequence;
			this.task = task;
			this.cancelledInHeap = cancelledInHeap;
			this.pending = pending;
		}

		@Override
		public boolean cancel() {
			if (this.state.compareAndSet(PENDING, CANCELLED)) {
				this.task = null;
				this.cancelledInHeap.incrementAndGet();
				this.pending.remove(this);
				return true;
			}
			return false;
		}

		boolean claim() {
			if (this.state.compareAndSet(PENDING, CLAIMED)) {
				this.pending.remove(this);
				return true;
			}
			return false;
		}

		boolean isCancelled() {
			return this.state.get() == CANCELLED;
		}

		/** The task; only for the thread that claimed the timer. */
		Runnable task() {
			return this.task;
		}

		@Override
		public String toString() {
			return "Timer[" + this.task + "]";
		}

	}

}
