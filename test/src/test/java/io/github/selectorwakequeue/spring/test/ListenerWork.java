package io.github.selectorwakequeue.spring.test;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/** What the test listeners spend on an event: time parked, using no CPU, as a listener waiting for I/O would. */
public final class ListenerWork {

	/** How long the test listeners that take time spend on each event. */
	public static final Duration PER_EVENT = Duration.ofMillis(5);

	private ListenerWork() {
	}

	/**
	 * Spends {@code duration} parked.
	 * @param duration how long
	 */
	public static void spend(Duration duration) {
		long deadline = System.nanoTime() + duration.toNanos();
		for (long left = duration.toNanos(); left > 0; left = deadline - System.nanoTime()) {
			LockSupport.parkNanos(left);
		}
	}

}
