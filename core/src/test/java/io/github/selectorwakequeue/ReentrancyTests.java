package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Test 2: a task on the reactor submits 100k tasks into a queue of capacity 16. The reactor never waits
 * for space only it can make: once the queue is full the tasks run inline, whatever the policy, and are
 * counted as {@code callerRuns}; nothing is rejected, discarded or lost.
 */
class ReentrancyTests {

	private static final int TASKS = 100_000;

	private SelectorWakeQueue queue;

	@AfterEach
	void close() {
		QueueTestSupport.closeQuietly(this.queue);
	}

	@ParameterizedTest
	@EnumSource(OverflowPolicy.class)
	void reactorSubmittingIntoItsOwnFullQueueCompletes(OverflowPolicy policy) {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			this.queue = SelectorWakeQueue.builder().name("reentrant").capacity(16).overflowPolicy(policy).build();
			this.queue.start();
			AtomicInteger ran = new AtomicInteger();
			AtomicInteger offReactor = new AtomicInteger();
			CompletableFuture<Void> submitted = new CompletableFuture<>();
			this.queue.execute(() -> {
				try {
					for (int i = 0; i < TASKS; i++) {
						this.queue.execute(() -> {
							if (!this.queue.isReactorThread()) {
								offReactor.incrementAndGet();
							}
							ran.incrementAndGet();
						});
					}
					submitted.complete(null);
				}
				catch (Throwable ex) {
					submitted.completeExceptionally(ex);
				}
			});
			submitted.get(20, TimeUnit.SECONDS);
			QueueTestSupport.awaitDrained(this.queue, Duration.ofSeconds(20));

			Stats stats = this.queue.stats();
			assertThat(ran.get()).isEqualTo(TASKS);
			assertThat(offReactor.get()).isZero();
			assertThat(stats.callerRuns()).isPositive().isLessThan(TASKS);
			assertThat(stats.rejected()).isZero();
			assertThat(stats.discarded()).isZero();
			// dispatched counts a task once it returns: the marker's own count may land just after it fired
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
					this.queue.stats().callerRuns() + this.queue.stats().dispatched()).isEqualTo(TASKS + 2L));
		});
	}

}
