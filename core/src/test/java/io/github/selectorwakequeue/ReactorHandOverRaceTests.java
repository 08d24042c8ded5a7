package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A new reactor thread taking the consumer role while {@code close} runs (a crash-restart, or a concurrent
 * {@code start}) must not strand tasks: every accepted task either runs or is returned by {@code close}.
 */
class ReactorHandOverRaceTests {

	private static final int TASKS = 100;

	@Test
	void closeRacingACrashRestartReturnsOrRunsEveryAcceptedTask() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			CountDownLatch restartRequested = new CountDownLatch(1);
			CountDownLatch releaseFactory = new CountDownLatch(1);
			CountDownLatch releaseSecondReactor = new CountDownLatch(1);
			AtomicInteger threadsMade = new AtomicInteger();
			ThreadFactory factory = (runnable) -> {
				if (threadsMade.incrementAndGet() == 1) {
					return daemon(runnable, "first-reactor");
				}
				restartRequested.countDown();
				awaitQuietly(releaseFactory);
				return daemon(() -> {
					awaitQuietly(releaseSecondReactor);
					runnable.run();
				}, "second-reactor");
			};
			AtomicBoolean armed = new AtomicBoolean();
			AtomicReference<SelectorWakeQueue> holder = new AtomicReference<>();
			SelectorWakeQueue queue = SelectorWakeQueue.builder().name("restart-vs-close").threadFactory(factory)
				.nanoClock(() -> {
					SelectorWakeQueue current = holder.get();
					if (current != null && current.isReactorThread() && armed.compareAndSet(true, false)) {
						throw new IllegalStateException("reactor killed by the test");
					}
					return System.nanoTime();
				})
				.build();
			holder.set(queue);
			queue.start();
			QueueTestSupport.awaitDrained(queue, Duration.ofSeconds(5));
			Thread first = queue.reactorThread().orElseThrow();

			armed.set(true);
			AtomicInteger ran = new AtomicInteger();
			for (int i = 0; i < TASKS; i++) {
				assertThat(queue.offer(ran::incrementAndGet)).isTrue();
			}
			assertThat(restartRequested.await(10, TimeUnit.SECONDS)).as("the first reactor died").isTrue();

			CompletableFuture<List<Runnable>> closed = new CompletableFuture<>();
			Thread closer = QueueTestSupport.start("closer", () -> closed.complete(queue.close(Duration.ofMillis(500))));
			// the closer waits for the dying first reactor, which is still inside the thread factory
			await().atMost(Duration.ofSeconds(10)).until(() -> closer.getState() == Thread.State.TIMED_WAITING);
			releaseFactory.countDown();
			first.join(10_000);
			List<Runnable> notRun = closed.get(10, TimeUnit.SECONDS);
			releaseSecondReactor.countDown();
			await().atMost(Duration.ofSeconds(10)).until(() -> queue.reactorThread().map((t) -> !t.isAlive()).orElse(true));

			assertThat(notRun.size() + ran.get()).as("returned + ran").isEqualTo(TASKS);
			assertThat(queue.stats().size()).isZero();
		});
	}

	@Test
	void closeRacingStartReturnsOrRunsEveryAcceptedTask() {
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			for (int round = 0; round < 300; round++) {
				SelectorWakeQueue queue = SelectorWakeQueue.builder().name("start-vs-close").build();
				AtomicInteger ran = new AtomicInteger();
				for (int i = 0; i < TASKS; i++) {
					assertThat(queue.offer(ran::incrementAndGet)).isTrue();
				}
				CountDownLatch go = new CountDownLatch(1);
				Thread starter = QueueTestSupport.start("starter", () -> {
					awaitQuietly(go);
					try {
						queue.start();
					}
					catch (IllegalStateException ex) {
						// closed first: fine
					}
				});
				CompletableFuture<List<Runnable>> closed = new CompletableFuture<>();
				Thread closer = QueueTestSupport.start("closer", () -> {
					awaitQuietly(go);
					closed.complete(queue.close(Duration.ofSeconds(5)));
				});
				go.countDown();
				QueueTestSupport.join(starter);
				QueueTestSupport.join(closer);
				int returned = closed.get().size();
				queue.reactorThread().ifPresent(QueueTestSupport::join);
				assertThat(returned + ran.get()).as("round %d: returned %d + ran %d", round, returned, ran.get())
					.isEqualTo(TASKS);
			}
		});
	}

	private static Thread daemon(Runnable runnable, String name) {
		Thread thread = new Thread(runnable, name);
		thread.setDaemon(true);
		return thread;
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
