package io.github.selectorwakequeue;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Which thread may poll the ring, which has a single consumer: the reactor while it lives; the closer, or a
 * producer rescuing tasks that raced with close, afterwards. Every change of holder is one CAS from the holder
 * its author expects, so two threads can never both believe they hold it: a reactor thread is launched only if
 * the role passes to it from the thread it replaces (or from nobody), and the closer takes it only from a
 * reactor thread (or from nobody). Nobody waits for the role: a thread that cannot take it leaves the ring to
 * its holder, who looks again after letting go.
 */
final class ConsumerRole {

	private final AtomicReference<Holder> holder = new AtomicReference<>();

	/**
	 * The holder a reactor thread will be, prepared ahead of the moment the role passes to it (a hand-off allocates
	 * nothing after it commits).
	 */
	static Holder reactorHolder(Thread reactor) {
		return new Holder(reactor, true);
	}

	/**
	 * Passes the role to a reactor thread about to start (or a parked spare about to be woken), from the expected
	 * holder.
	 * @param from the reactor thread it replaces, or {@code null} if nobody should hold the role now
	 * @param reactor the new reactor thread's holder, from {@link #reactorHolder(Thread)}
	 * @return whether the role passed (if not, the thread must not poll)
	 */
	boolean passToReactor(Thread from, Holder reactor) {
		Holder current = this.holder.get();
		boolean expected = (from == null) ? current == null : current != null && current.thread == from;
		return expected && this.holder.compareAndSet(current, reactor);
	}

	/**
	 * Gives the role back from a reactor thread that could not be started to the one it was to replace (or to
	 * nobody), unless somebody took it meanwhile.
	 */
	void passBack(Holder notStarted, Thread to) {
		this.holder.compareAndSet(notStarted, (to != null) ? new Holder(to, true) : null);
	}

	/**
	 * Takes the role for the calling thread, which is closing the queue: from a reactor thread (which, once the
	 * queue is terminated and its poll is over, will not poll again), from nobody, or keeps it.
	 * @return whether the calling thread holds the role now; {@code false} if a rescuing producer holds it
	 */
	boolean takeForCloser() {
		Thread me = Thread.currentThread();
		while (true) {
			Holder current = this.holder.get();
			if (current != null && current.thread == me) {
				return true;
			}
			if (current != null && !current.reactor) {
				return false;
			}
			if (this.holder.compareAndSet(current, new Holder(me, false))) {
				return true;
			}
		}
	}

	/** Takes the role only if nobody holds it. */
	boolean takeIfFree() {
		return this.holder.compareAndSet(null, new Holder(Thread.currentThread(), false));
	}

	/** Lets go of the role if {@code thread} holds it. */
	void release(Thread thread) {
		Holder current = this.holder.get();
		if (current != null && current.thread == thread) {
			this.holder.compareAndSet(current, null);
		}
	}

	record Holder(Thread thread, boolean reactor) {
	}

}
