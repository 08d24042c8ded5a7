package io.github.selectorwakequeue;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The queue's life: {@link #NEW} → {@link #RUNNING} → {@link #CLOSING} → {@link #TERMINATED}, never backwards,
 * and how many threads are waiting in {@code awaitQuiescence} (see {@link Quiescence}). Both live in one word, so
 * that a producer learns both with the one volatile read it makes anyway after its offer (the phase in the low two
 * bits, the waiters above). Every access is volatile: the reactor's read of it after announcing a poll is one half of the
 * close hand-over (see {@link ReactorProbe#beginPoll()}). Thread-safe; never blocks.
 */
final class QueueState {

	static final int NEW = 0;

	static final int RUNNING = 1;

	static final int CLOSING = 2;

	static final int TERMINATED = 3;

	private static final int PHASE = 3;

	/** One waiter in {@code awaitQuiescence}, counted above the phase bits. */
	private static final int WAITER = 4;

	private final AtomicInteger word = new AtomicInteger(NEW);

	/** The phase: {@link #NEW}, {@link #RUNNING}, {@link #CLOSING} or {@link #TERMINATED}. */
	int get() {
		return this.word.get() & PHASE;
	}

	/** The whole word, phase and waiters, in one volatile read; decode it with the static methods below. */
	int word() {
		return this.word.get();
	}

	static boolean isTerminated(int word) {
		return (word & PHASE) == TERMINATED;
	}

	static boolean hasWaiters(int word) {
		return word >= WAITER;
	}

	boolean isRunning() {
		return get() == RUNNING;
	}

	/** Whether closing has begun (closing or terminated). */
	boolean isClosing() {
		return get() >= CLOSING;
	}

	boolean isTerminated() {
		return get() == TERMINATED;
	}

	/**
	 * Moves from {@code NEW} to {@code RUNNING}.
	 * @return {@code true} if this call started the queue, {@code false} if it was already running
	 * @throws IllegalStateException if the queue is closing or closed
	 */
	boolean start(String queueName) {
		while (true) {
			int current = this.word.get();
			int phase = current & PHASE;
			if (phase == RUNNING) {
				return false;
			}
			if (phase != NEW) {
				throw new IllegalStateException("Queue '" + queueName + "' is closed and cannot be started again");
			}
			if (this.word.compareAndSet(current, current - NEW + RUNNING)) {
				return true;
			}
		}
	}

	/**
	 * Moves to {@code CLOSING} from {@code NEW} or {@code RUNNING}.
	 * @return the phase it left, or {@code -1} if closing had already begun
	 */
	int beginClose() {
		while (true) {
			int current = this.word.get();
			int phase = current & PHASE;
			if (phase >= CLOSING) {
				return -1;
			}
			if (this.word.compareAndSet(current, current - phase + CLOSING)) {
				return phase;
			}
		}
	}

	/** Moves to {@code TERMINATED}: the reactor must stop polling; the closer owns what is left. */
	void terminate() {
		while (true) {
			int current = this.word.get();
			if (this.word.compareAndSet(current, (current & ~PHASE) | TERMINATED)) {
				return;
			}
		}
	}

	/** A thread starts waiting for quiescence (a full fence: see {@link Quiescence}). */
	void addWaiter() {
		this.word.getAndAdd(WAITER);
	}

	void removeWaiter() {
		this.word.getAndAdd(-WAITER);
	}

}
