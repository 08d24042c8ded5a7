package io.github.selectorwakequeue;

/**
 * The queue's source of monotonic time, in nanoseconds: {@link System#nanoTime()} in production, a hand-moved
 * clock in tests of time rules (the dead-slot grace period, stall detection, timers), as Netty's {@code Ticker}.
 * Must be cheap, thread-safe and non-blocking: producers, the reactor and observers read it.
 */
@FunctionalInterface
interface Clock {

	/** The system's monotonic clock. */
	Clock SYSTEM = System::nanoTime;

	/**
	 * @return the current time in nanoseconds, from an arbitrary origin
	 */
	long nanoTime();

}
