package io.github.selectorwakequeue;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Makes the queue's own helper threads (the lane monitor and the lane workers; the reactor threads come from the
 * user's thread factory). Production uses {@link #DEFAULT}; a test installs one that fails or blocks, since
 * starting a thread is a call out of the queue like any other (the JVM may be out of native threads). Returns an
 * unstarted thread; the caller starts it.
 */
@FunctionalInterface
interface InternalThreads {

	/** Daemon platform threads; virtual ones where asked for, from JDK 24 on (see {@link LaneWorkers}). */
	InternalThreads DEFAULT = new Default();

	/**
	 * @param name the thread's name
	 * @param body what it runs
	 * @param virtualIfAvailable whether a virtual thread is wanted (JDK 24+)
	 * @return a new, unstarted thread
	 */
	Thread newThread(String name, Runnable body, boolean virtualIfAvailable);

	/** See {@link #DEFAULT}. */
	final class Default implements InternalThreads {

		/** {@code Thread.ofVirtual().unstarted(Runnable)}, looked up at run time: core compiles for Java 17. */
		private final MethodHandle virtualBuilder = virtualBuilder();

		@Override
		public Thread newThread(String name, Runnable body, boolean virtualIfAvailable) {
			if (virtualIfAvailable && this.virtualBuilder != null) {
				try {
					Thread thread = (Thread) this.virtualBuilder.invoke(body);
					thread.setName(name);
					return thread;
				}
				catch (Throwable ex) {
					// fall back to a platform thread
				}
			}
			Thread thread = new Thread(body, name);
			thread.setDaemon(true);
			return thread;
		}

		private static MethodHandle virtualBuilder() {
			if (Runtime.version().feature() < 24) {
				return null;
			}
			try {
				MethodHandles.Lookup lookup = MethodHandles.publicLookup();
				Class<?> builderType = Class.forName("java.lang.Thread$Builder$OfVirtual");
				Object builder = lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(builderType)).invoke();
				MethodHandle unstarted = lookup.findVirtual(Class.forName("java.lang.Thread$Builder"), "unstarted",
						MethodType.methodType(Thread.class, Runnable.class));
				return unstarted.bindTo(builder);
			}
			catch (Throwable ex) {
				return null;
			}
		}

	}

}
