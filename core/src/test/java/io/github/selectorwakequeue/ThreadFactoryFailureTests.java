package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The user's thread factory is a call out of the queue: it may throw, or block. Whatever it does at a hand-off or a
 * restart, the queue recovers once it works again, and never loses or returns a task a live reactor would run.
 */
class ThreadFactoryFailureTests {

	private SelectorWakeQueue queue;

	private final CountDownLatch factoryGate = new CountDownLatch(1);

	@AfterEach
	void close() {
		this.factoryGate.countDown();
		QueueTestSupport.closeQuietly(this.queue);
	}

	@Test
	void aFactoryThatThrowsTwiceAroundAHandOffDoesNotKillTheQueue() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			FailingFactory factory = new FailingFactory(2, 3);
			this.queue = SelectorWakeQueue.builder().name("factory-throws").threadFactory(factory)
				.laneThresholds(Duration.ofMillis(1), Duration.ofMillis(30), 4, 10_000)
				.build();
			this.queue.start();
			CountDownLatch release = new CountDownLatch(1);
			QueueTestSupport.holdLane(this.queue, this.queue.lane("stuck"), release);
			AtomicInteger ran = new AtomicInteger();
			// keep submitting: each submission is a chance for the queue to try the factory again
			await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(5)).until(() -> {
				this.queue.execute(ran::incrementAndGet);
				return ran.get() > 0;
			});
			assertThat(factory.calls.get()).as("the factory was tried again after failing twice").isGreaterThan(3);
			release.countDown();
			assertThat(this.queue.awaitQuiescence(Duration.ofSeconds(10))).isTrue();
		});
	}

	@Test
	void aFactoryThatThrowsTwiceWhenACrashedReactorIsReplacedDoesNotKillTheQueue() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			FailingFactory factory = new FailingFactory(2, 3);
			AtomicBoolean armed = new AtomicBoolean();
			this.queue = SelectorWakeQueue.builder().name("restart-factory-throws").threadFactory(factory)
				.lanes(false)
				.nanoClock(() -> {
					if (armed.get() && this.queue.isReactorThread() && armed.compareAndSet(true, false)) {
						throw new IllegalStateException("reactor killed by the test");
					}
					return System.nanoTime();
				})
				.build();
			this.queue.start();
			QueueTestSupport.awaitDrained(this.queue, Duration.ofSeconds(5));
			armed.set(true);
			AtomicInteger ran = new AtomicInteger();
			await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(5)).until(() -> {
				this.queue.execute(ran::incrementAndGet);
				return ran.get() > 0 && !armed.get();
			});
			assertThat(factory.calls.get()).isGreaterThan(3);
			assertThat(this.queue.awaitQuiescence(Duration.ofSeconds(10))).isTrue();
			assertThat(this.queue.stats().running()).isTrue();
		});
	}

	@Test
	void closeDuringAHandOffWhoseFactoryBlocksWaitsForTheReactorInsteadOfReturningItsTasks() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			AtomicInteger calls = new AtomicInteger();
			ThreadFactory blockingAfterFirst = (body) -> {
				if (calls.incrementAndGet() > 1) {
					QueueTestSupport.awaitQuietly(this.factoryGate);
				}
				Thread thread = new Thread(body, "blocking-factory-" + calls.get());
				thread.setDaemon(true);
				return thread;
			};
			this.queue = SelectorWakeQueue.builder().name("close-during-hand-off").threadFactory(blockingAfterFirst)
				.laneThresholds(Duration.ofMillis(1), Duration.ofMillis(30), 4, 10_000)
				.build();
			this.queue.start();
			CountDownLatch release = new CountDownLatch(1);
			QueueTestSupport.holdLane(this.queue, this.queue.lane("stuck"), release);
			await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() > 1); // the factory is blocked now
			release.countDown();
			AtomicInteger ran = new AtomicInteger();
			for (int i = 0; i < 100; i++) {
				this.queue.execute(ran::incrementAndGet);
			}
			List<Runnable> notRun = this.queue.close(Duration.ofSeconds(10));
			assertThat(notRun).as("returned by close").isEmpty();
			assertThat(ran).as("run by a live reactor").hasValue(100);
		});
	}

	/** A thread factory whose calls with the given numbers (1-based) throw. */
	static final class FailingFactory implements ThreadFactory {

		final AtomicInteger calls = new AtomicInteger();

		private final List<Integer> failing;

		FailingFactory(Integer... failing) {
			this.failing = List.of(failing);
		}

		@Override
		public Thread newThread(Runnable body) {
			int call = this.calls.incrementAndGet();
			if (this.failing.contains(call)) {
				throw new IllegalStateException("thread factory call " + call + " fails (test)");
			}
			Thread thread = new Thread(body, "failing-factory-" + call);
			thread.setDaemon(true);
			return thread;
		}

	}

}
