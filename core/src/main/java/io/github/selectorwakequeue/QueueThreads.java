package io.github.selectorwakequeue;

/**
 * Which threads are a queue's own: its reactor threads (including one handed off with a stuck part) and its lane
 * workers. Each marks itself once, when it starts; anybody can ask about the calling thread (a thread-local
 * lookup). Used to refuse a wait that would wait for its own thread, and to follow the work a queue's own tasks
 * queue in turn ({@link Quiescence}).
 */
final class QueueThreads {

	private static final ThreadLocal<QueueThreads> WORKING_FOR = new ThreadLocal<>();

	/** Marks the calling thread as one of this queue's own, for good. */
	void enter() {
		WORKING_FOR.set(this);
	}

	/** Whether the calling thread is one of this queue's own. */
	boolean isCurrent() {
		return WORKING_FOR.get() == this;
	}

	/** Wraps a thread's body so that it marks its thread first. */
	Runnable marking(Runnable body) {
		return () -> {
			enter();
			body.run();
		};
	}

}
