package io.github.selectorwakequeue;

/**
 * The queue's source of monotonic time, in nanoseconds: {@link System#nanoTime()} in production, a hand-moved
 * clock in tests of time rules (the dead-slot grace period, stall detection, timers), as Netty's {@code Ticker}.
 * Must be cheap, thread-safe and non-blocking: producers, the reactor and observers read it. A clock that throws
 * anyway is a call out like any other: where a thread holds work, the read is guarded ({@link #readHolding}); where
 * it holds nothing (the reactor between tasks), the thread may die and is replaced.
 */
@FunctionalInterface
interface Clock {

	/** The system's monotonic clock. */
	Clock SYSTEM = System::nanoTime;

	/**
	 * @return the current time in nanoseconds, from an arbitrary origin
	 */
	long nanoTime();

	/**
	 * Reads the clock where a thread holds work it must not drop (a task or a part taken, a lane it runs): a
	 * clock that throws there would make the thread die with that work in hand. Such reads only time things, so
	 * the system's clock stands in.
	 * @return the clock's time, or {@link System#nanoTime()} if the clock threw
	 */
	static long readHolding(Clock clock) {
		try {
			return clock.nanoTime();
		}
		catch (Throwable ex) {
			return System.nanoTime();
		}
	}

}
