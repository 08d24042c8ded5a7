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
class LostWakeupModelCheckTests {

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
	 * Dekker pair on one side. Threads are plain classes, not lambdas: Lincheck cannot track the fields
	 * of a lambda's hidden class.
	 */
	private static void scenario(boolean claimFirst, boolean checkFirst) {
		Model model = new Model(claimFirst, checkFirst);
		Thread producer1 = new Producer(model);
		Thread producer2 = new Producer(model);
		Thread reactor = new ReactorThread(model);
		producer1.start();
		producer2.start();
		reactor.start();
		join(producer1);
		join(producer2);
		join(reactor);
		if (model.asleep.get() && model.ring.get() > 0 && model.pipe.get() == 0) {
			throw new AssertionError("lost wake-up: reactor asleep on an empty pipe with " + model.ring.get() + " task(s)");
		}
		if (model.writes.get() > model.sleeps.get()) {
			throw new AssertionError(model.writes.get() + " wake writes for " + model.sleeps.get() + " sleep(s)");
		}
	}

	/** The shared state: the real flag, with counters for the ring and the pipe. */
	private static final class Model {

		final boolean claimFirst;

		final boolean checkFirst;

		final SleepFlag flag = new SleepFlag();

		final AtomicInteger ring = new AtomicInteger();

		final AtomicInteger pipe = new AtomicInteger();

		final AtomicInteger writes = new AtomicInteger();

		final AtomicInteger sleeps = new AtomicInteger();

		final AtomicBoolean asleep = new AtomicBoolean();

		Model(boolean claimFirst, boolean checkFirst) {
			this.claimFirst = claimFirst;
			this.checkFirst = checkFirst;
		}

		void produce() {
			boolean claimed = this.claimFirst && this.flag.tryClaimWake();
			this.ring.incrementAndGet(); // P1
			if (this.claimFirst ? claimed : this.flag.tryClaimWake()) { // P2
				this.writes.incrementAndGet();
				this.pipe.incrementAndGet();
			}
		}

		void react() {
			for (int turn = 0; turn < 2; turn++) {
				this.ring.set(0); // drain: the reactor is the only consumer
				boolean sawWork = this.checkFirst && this.ring.get() != 0;
				this.flag.announceSleep(); // R1
				this.sleeps.incrementAndGet();
				if (this.checkFirst ? sawWork : this.ring.get() != 0) { // R2
					this.flag.awake();
					continue;
				}
				if (this.pipe.get() == 0) { // R3: nothing pending, so select blocks until a byte arrives
					this.asleep.set(true);
					return;
				}
				this.pipe.set(0); // R3 returned at once: drain the pipe
				this.flag.awake(); // R4
			}
		}

	}

	private static final class Producer extends Thread {

		private final Model model;

		Producer(Model model) {
			this.model = model;
		}

		@Override
		public void run() {
			this.model.produce();
		}

	}

	private static final class ReactorThread extends Thread {

		private final Model model;

		ReactorThread(Model model) {
			this.model = model;
		}

		@Override
		public void run() {
			this.model.react();
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
