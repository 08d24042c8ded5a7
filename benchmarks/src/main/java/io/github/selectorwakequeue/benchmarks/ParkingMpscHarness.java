package io.github.selectorwakequeue.benchmarks;

import java.util.concurrent.locks.LockSupport;

/** JCTools MPSC ring; the empty consumer parks and a producer unparks it (a futex wait and wake). */
final class ParkingMpscHarness extends SleepingMpscHarness {

	ParkingMpscHarness(int capacity) {
		super("bench-mpsc-park", capacity);
	}

	@Override
	void sleep() {
		LockSupport.park(this);
	}

	@Override
	void wake(Thread consumer) {
		LockSupport.unpark(consumer);
	}

}
