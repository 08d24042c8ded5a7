package io.github.selectorwakequeue;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Which thread may poll the ring, which has a single consumer: the reactor while it lives; the closer, or a
 * producer rescuing tasks that raced with close, afterwards. Taking and releasing are atomic; nobody waits
 * for the role: a thread that cannot take it leaves the ring to its holder, who looks again after letting go.
 */
final class ConsumerRole {

	private final AtomicReference<Thread> owner = new AtomicReference<>();

	/** Gives the role to a reactor thread about to start. */
	void assign(Thread thread) {
		this.owner.set(thread);
	}

	/**
	 * Takes the role for the calling thread: from {@code previousOwner} (a reactor that exited or is stuck in
	 * a task after termination), from nobody, or keeps it if it already holds it.
	 * @return whether the calling thread holds the role now
	 */
	boolean take(Thread previousOwner) {
		Thread me = Thread.currentThread();
		return (previousOwner != null && this.owner.compareAndSet(previousOwner, me))
				|| this.owner.compareAndSet(null, me) || this.owner.get() == me;
	}

	/** Takes the role only if nobody holds it. */
	boolean takeIfFree() {
		return this.owner.compareAndSet(null, Thread.currentThread());
	}

	/** Lets go of the role if {@code thread} holds it. */
	void release(Thread thread) {
		this.owner.compareAndSet(thread, null);
	}

}
