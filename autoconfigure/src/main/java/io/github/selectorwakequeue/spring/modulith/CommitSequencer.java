package io.github.selectorwakequeue.spring.modulith;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Releases tasks in the order their tickets were reserved, whatever the order in which the tickets are filled: a
 * transaction reserves a ticket just before it commits and fills it after the commit, so tasks are released in
 * commit order although the committing threads reach their after-commit callbacks in any order.
 *
 * <p>Never blocks: no lock, no wait. Whichever thread closes the ticket at the head releases it and every ticket
 * closed behind it, in order, through the release function; a thread that closes a ticket while another one is
 * releasing leaves the work to that one (a work-in-progress counter). A ticket reserved and never closed holds back
 * every ticket behind it, so a reserving caller must close it in a {@code finally}-like callback.
 */
final class CommitSequencer {

	private static final Logger logger = LoggerFactory.getLogger(CommitSequencer.class);

	private static final int OPEN = 0;

	private static final int READY = 1;

	private static final int CANCELLED = 2;

	private final Queue<Ticket> tickets = new ConcurrentLinkedQueue<>();

	private final AtomicInteger work = new AtomicInteger();

	private final Consumer<Runnable> release;

	/**
	 * @param release hands one task on (to the queue); called by one thread at a time, in ticket order; must not
	 * throw (a failure is logged and the next task released)
	 */
	CommitSequencer(Consumer<Runnable> release) {
		this.release = Objects.requireNonNull(release, "release");
	}

	/**
	 * Takes the next place in line.
	 * @return a ticket to fill with {@link Ticket#add} and close with {@link Ticket#close}
	 */
	Ticket reserve() {
		Ticket ticket = new Ticket();
		this.tickets.add(ticket);
		return ticket;
	}

	/**
	 * Releases a task after everything reserved before it.
	 * @param task the task
	 */
	void submit(Runnable task) {
		Ticket ticket = reserve();
		ticket.add(task);
		ticket.close(true);
	}

	/**
	 * @return tickets reserved and not yet released or dropped
	 */
	int pending() {
		return this.tickets.size();
	}

	private void drain() {
		if (this.work.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		do {
			Ticket head;
			while ((head = this.tickets.peek()) != null && head.state != OPEN) {
				this.tickets.poll();
				if (head.state == READY) {
					for (Runnable task : head.tasks) {
						releaseOne(task);
					}
				}
			}
			missed = this.work.addAndGet(-missed);
		}
		while (missed != 0);
	}

	private void releaseOne(Runnable task) {
		try {
			this.release.accept(task);
		}
		catch (Throwable ex) {
			logger.error("Releasing {} failed", task, ex);
		}
	}

	/**
	 * A place in line. Filled by the thread that reserved it, then closed once: ready (its tasks are released in
	 * turn) or cancelled (its place is given up).
	 */
	final class Ticket {

		private final List<Runnable> tasks = new ArrayList<>(1);

		private volatile int state = OPEN;

		/**
		 * Adds a task, released with this ticket in the order added. Only before {@link #close}.
		 * @param task the task
		 */
		void add(Runnable task) {
			if (this.state != OPEN) {
				throw new IllegalStateException("Ticket already closed");
			}
			this.tasks.add(Objects.requireNonNull(task, "task"));
		}

		/**
		 * Closes the ticket and releases whatever is ready at the head of the line.
		 * @param ready {@code true} to release its tasks in turn, {@code false} to drop them
		 */
		void close(boolean ready) {
			if (this.state != OPEN) {
				return;
			}
			this.state = ready ? READY : CANCELLED;
			drain();
		}

	}

}
