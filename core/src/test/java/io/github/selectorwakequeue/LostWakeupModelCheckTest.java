package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Model-checks the wake-up coalescing protocol with Lincheck: the real {@link SleepFlag} is driven by
 * two producers (P1 enqueue, P2 claim the wake and write a byte) and a reactor taking two turns of
 * drain, R1 announce, R2 re-check, R3 select, R4 awake. The ring and the pipe are counters; Lincheck
 * explores the interleavings of every shared access. A lost wake-up is a reactor asleep on an empty
 * pipe while a task waits. The same harness with the steps in the wrong order must fail, which shows the
 * check can see a lost wake-up at all.
 *
 * <p>Assertions inside the checked block are plain {@code AssertionError}s: Lincheck's instrumentation
 * calls {@code equals} on objects it sees, which AssertJ assertion objects refuse.
 */
class LostWakeupModelCheckTest {

	private static final int INVOCATIONS = 3000;

	@Test
	void noInterleavingLosesAWakeupOrWritesTwicePerSleep() {
		assertTimeoutPreemptively(Duration.ofSeconds(120),
				() -> Lincheck.runConcurrentTest(INVOCATIONS, () -> scenario(false, false)));
	}

	@Test
	void producerClaimingBeforeEnqueueIsCaught() {
		assertTimeoutPreemptively(Duration.ofSeconds(120),
				() -> assertThatThrownBy(() -> Lincheck.runConcurrentTest(INVOCATIONS, () -> scenario(true, false)))
					.isInstanceOf(AssertionError.class)
					.hasMessageContaining("lost wake-up"));
	}

	@Test
	void reactorCheckingBeforeAnnouncingIsCaught() {
		assertTimeoutPreemptively(Duration.ofSeconds(120),
				() -> assertThatThrownBy(() -> Lincheck.runConcurrentTest(INVOCATIONS, () -> scenario(false, true)))
					.isInstanceOf(AssertionError.class)
					.hasMessageContaining("lost wake-up"));
	}

	/**
	 * One execution. {@code claimFirst} swaps P1/P2, {@code checkFirst} swaps R1/R2: each breaks the
	 * Dekker pair on one side.
	 */
	private static void scenario(boolean claimFirst, boolean checkFirst) {
		SleepFlag flag = new SleepFlag();
		AtomicInteger ring = new AtomicInteger();
		AtomicInteger pipe = new AtomicInteger();
		AtomicInteger writes = new AtomicInteger();
		AtomicInteger sleeps = new AtomicInteger();
		AtomicBoolean asleep = new AtomicBoolean();
		Runnable produce = () -> {
			boolean claimed = claimFirst && flag.tryClaimWake();
			ring.incrementAndGet(); // P1
			if (claimFirst ? claimed : flag.tryClaimWake()) { // P2
				writes.incrementAndGet();
				pipe.incrementAndGet();
			}
		};
		Thread producer1 = new Thread(produce);
		Thread producer2 = new Thread(produce);
		Thread reactor = new Thread(() -> {
			for (int turn = 0; turn < 2; turn++) {
				ring.set(0); // drain: the reactor is the only consumer
				boolean sawWork = checkFirst && ring.get() != 0;
				flag.announceSleep(); // R1
				sleeps.incrementAndGet();
				if (checkFirst ? sawWork : ring.get() != 0) { // R2
					flag.awake();
					continue;
				}
				if (pipe.get() == 0) { // R3: nothing pending, so select blocks until a byte arrives
					asleep.set(true);
					return;
				}
				pipe.set(0); // R3 returned at once: drain the pipe
				flag.awake(); // R4
			}
		});
		producer1.start();
		producer2.start();
		reactor.start();
		join(producer1);
		join(producer2);
		join(reactor);
		if (asleep.get() && ring.get() > 0 && pipe.get() == 0) {
			throw new AssertionError("lost wake-up: reactor asleep on an empty pipe with " + ring.get() + " task(s)");
		}
		if (writes.get() > sleeps.get()) {
			throw new AssertionError(writes.get() + " wake writes for " + sleeps.get() + " sleep(s)");
		}
	}

	private static void join(Thread thread) {
		try {
			thread.join();
		}
		catch (InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
