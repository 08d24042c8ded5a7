package io.github.selectorwakequeue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One-shot timers run by the reactor loop, like Twisted's {@code callLater}: any thread adds a timer
 * through a lock-free hand-off queue; only the reactor thread moves them into its deadline heap and runs
 * the due ones. The reactor's {@code select} timeout is the time until the earliest deadline.
 *
 * <p>The hand-off is a {@link ConcurrentLinkedQueue}: its node is allocated before the linking CAS, so
 * an error in a scheduling thread cannot leave it half-linked.
 */
final class Timers {

	private static final Comparator<Timer> BY_DEADLINE = Comparator.comparingLong((Timer t) -> t.deadline)
		.thenComparingLong((Timer t) -> t.sequence);

	private final ConcurrentLinkedQueue<Timer> incoming = new ConcurrentLinkedQueue<>();

	private final AtomicLong sequence = new AtomicLong();

	/** Reactor-owned. */
	private final PriorityQueue<Timer> heap = new PriorityQueue<>(BY_DEADLINE);

	/** Any thread. Never blocks. */
	Timer add(long deadlineNanos, Runnable task) {
		Timer timer = new Timer(deadlineNanos, this.sequence.getAndIncrement(), task);
		this.incoming.offer(timer);
		return timer;
	}

	boolean hasIncoming() {
		return !this.incoming.isEmpty();
	}

	/**
	 * Moves newly added timers into the heap and drops cancelled ones from its head. Reactor thread only.
	 * @return nanoseconds until the earliest deadline (at most 0 if one is due), or {@code Long.MAX_VALUE}
	 */
	long nanosUntilNext(long now) {
		transferIncoming();
		Timer head;
		while ((head = this.heap.peek()) != null && head.isCancelled()) {
			this.heap.poll();
		}
		return (head != null) ? head.deadline - now : Long.MAX_VALUE;
	}

	/**
	 * Removes the earliest timer if it is due. Reactor thread only.
	 * @return the due timer, claimed for running, or {@code null} if none is due
	 */
	Timer pollDue(long now) {
		transferIncoming();
		Timer head;
		while ((head = this.heap.peek()) != null && head.deadline - now <= 0) {
			this.heap.poll();
			if (head.claim()) {
				return head;
			}
		}
		return null;
	}

	private void transferIncoming() {
		Timer timer;
		while ((timer = this.incoming.poll()) != null) {
			this.heap.add(timer);
		}
	}

	/**
	 * Cancels every pending timer, at close. Reactor thread only (or any thread once the reactor is gone).
	 * @return the tasks of the timers this call cancelled
	 */
	List<Runnable> cancelAll() {
		transferIncoming();
		List<Runnable> cancelled = new ArrayList<>();
		Timer timer;
		while ((timer = this.heap.poll()) != null) {
			if (timer.cancel()) {
				cancelled.add(timer.task);
			}
		}
		return cancelled;
	}

	/** A scheduled task and its state. */
	static final class Timer implements Cancellable {

		private static final int PENDING = 0;

		private static final int CLAIMED = 1;

		private static final int CANCELLED = 2;

		final long deadline;

		final long sequence;

		final Runnable task;

		private final AtomicInteger state = new AtomicInteger(PENDING);

		Timer(long deadline, long sequence, Runnable task) {
			this.deadline = deadline;
			this.sequence = sequence;
			this.task = task;
		}

		@Override
		public boolean cancel() {
			return this.state.compareAndSet(PENDING, CANCELLED);
		}

		boolean claim() {
			return this.state.compareAndSet(PENDING, CLAIMED);
		}

		boolean isCancelled() {
			return this.state.get() == CANCELLED;
		}

		@Override
		public String toString() {
			return "Timer[" + this.task + "]";
		}

	}

}
