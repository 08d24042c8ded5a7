package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
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

	@Test
	void aChainOfInlineRunsFromTheReactorOnAFullQueueKeepsAConstantStackDepth() {
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			this.queue = SelectorWakeQueue.builder().name("chain").capacity(16).build();
			this.queue.start();
			int chain = 100_000;
			AtomicInteger ran = new AtomicInteger();
			AtomicInteger outOfOrder = new AtomicInteger();
			AtomicInteger deepest = new AtomicInteger();
			CountDownLatch done = new CountDownLatch(1);
			this.queue.execute(() -> {
				// fill the queue from the reactor: every execute below finds it full and runs inline
				CountDownLatch hold = new CountDownLatch(1);
				while (this.queue.offer(() -> awaitQuietly(hold))) {
					// fill
				}
				this.queue.execute(new ChainLink(0, chain, ran, outOfOrder, deepest, done));
				hold.countDown();
			});
			assertThat(done.await(50, TimeUnit.SECONDS)).as("the chain completed").isTrue();
			assertThat(ran.get()).isEqualTo(chain);
			assertThat(outOfOrder.get()).isZero();
			assertThat(this.queue.stats().failed()).isZero();
			assertThat(deepest.get()).as("stack depth of the deepest link").isLessThan(200);
		});
	}

	/** Runs, then executes the next link: on a full queue, on the reactor, each link runs inline. */
	private final class ChainLink implements Runnable {

		private final int index;

		private final int length;

		private final AtomicInteger ran;

		private final AtomicInteger outOfOrder;

		private final AtomicInteger deepest;

		private final CountDownLatch done;

		ChainLink(int index, int length, AtomicInteger ran, AtomicInteger outOfOrder, AtomicInteger deepest,
				CountDownLatch done) {
			this.index = index;
			this.length = length;
			this.ran = ran;
			this.outOfOrder = outOfOrder;
			this.deepest = deepest;
			this.done = done;
		}

		@Override
		public void run() {
			if (this.ran.getAndIncrement() != this.index) {
				this.outOfOrder.incrementAndGet();
			}
			if (this.index % 1000 == 0) {
				this.deepest.accumulateAndGet(Thread.currentThread().getStackTrace().length, Math::max);
			}
			if (this.index + 1 < this.length) {
				ReentrancyTests.this.queue.execute(new ChainLink(this.index + 1, this.length, this.ran, this.outOfOrder,
						this.deepest, this.done));
			}
			else {
				this.done.countDown();
			}
		}

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
