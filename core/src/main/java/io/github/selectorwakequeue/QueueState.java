package io.github.selectorwakequeue;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The queue's life: {@link #NEW} → {@link #RUNNING} → {@link #CLOSING} → {@link #TERMINATED}, never backwards.
 * Every access is volatile: the reactor's read of it after announcing a poll is one half of the close hand-over
 * (see {@link ReactorProbe#beginPoll()}). Thread-safe; never blocks.
 */
final class QueueState {

	static final int NEW = 0;

	static final int RUNNING = 1;

	static final int CLOSING = 2;

	static final int TERMINATED = 3;

	private final AtomicInteger state = new AtomicInteger(NEW);

	int get() {
		return this.state.get();
	}

	boolean isRunning() {
		return this.state.get() == RUNNING;
	}

	/** Whether closing has begun (closing or terminated). */
	boolean isClosing() {
		return this.state.get() >= CLOSING;
	}

	boolean isTerminated() {
		return this.state.get() == TERMINATED;
	}

	/**
	 * Moves from {@code NEW} to {@code RUNNING}.
	 * @return {@code true} if this call started the queue, {@code false} if it was already running
	 * @throws IllegalStateException if the queue is closing or closed
	 */
	boolean start(String queueName) {
		while (true) {
			int current = this.state.get();
			if (current == RUNNING) {
				return false;
			}
			if (current != NEW) {
				throw new IllegalStateException("Queue '" + queueName + "' is closed and cannot be started again");
			}
			if (this.state.compareAndSet(NEW, RUNNING)) {
				return true;
			}
		}
	}

	/**
	 * Moves to {@code CLOSING} from {@code NEW} or {@code RUNNING}.
	 * @return the state it left, or {@code -1} if closing had already begun
	 */
	int beginClose() {
		while (true) {
			int previous = this.state.get();
			if (previous >= CLOSING) {
				return -1;
			}
			if (this.state.compareAndSet(previous, CLOSING)) {
				return previous;
			}
		}
	}

	/** Moves to {@code TERMINATED}: the reactor must stop polling; the closer owns what is left. */
	void terminate() {
		this.state.set(TERMINATED);
	}

}
