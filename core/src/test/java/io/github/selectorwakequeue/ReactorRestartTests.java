package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A reactor thread that dies of something thrown outside any task (here its clock, which fails once on the
 * reactor thread when the test arms it) is replaced: {@code reactorRestarts} grows, the new thread is the
 * reactor, and queued and later tasks still run, in order.
 */
class ReactorRestartTests {

	private SelectorWakeQueue queue;

	@AfterEach
	void close() {
		QueueTestSupport.closeQuietly(this.queue);
	}

	@Test
	void aDeadReactorIsRestartedAndTasksStillRun() {
		assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
			AtomicBoolean armed = new AtomicBoolean();
			AtomicBoolean thrown = new AtomicBoolean();
			this.queue = SelectorWakeQueue.builder().name("restart").nanoClock(() -> {
				if (armed.get() && this.queue.isReactorThread() && thrown.compareAndSet(false, true)) {
					throw new IllegalStateException("reactor killed by the test");
				}
				return System.nanoTime();
			}).build();
			this.queue.start();
			QueueTestSupport.awaitDrained(this.queue, Duration.ofSeconds(5));
			Thread first = this.queue.reactorThread().orElseThrow();
			assertThat(this.queue.stats().reactorRestarts()).isZero();

			armed.set(true);
			AtomicInteger ran = new AtomicInteger();
			AtomicInteger outOfOrder = new AtomicInteger();
			for (int i = 0; i < 1_000; i++) {
				int expected = i;
				this.queue.execute(() -> {
					if (ran.getAndIncrement() != expected) {
						outOfOrder.incrementAndGet();
					}
				});
			}
			first.join(TimeUnit.SECONDS.toMillis(10));
			assertThat(thrown.get()).isTrue();
			assertThat(first.isAlive()).as("the first reactor thread died").isFalse();

			QueueTestSupport.awaitDrained(this.queue, Duration.ofSeconds(5));
			assertThat(ran.get()).isEqualTo(1_000);
			assertThat(outOfOrder.get()).isZero();
			assertThat(this.queue.stats().reactorRestarts()).isEqualTo(1);
			Thread second = this.queue.reactorThread().orElseThrow();
			assertThat(second).isNotSameAs(first);

			CountDownLatch onReactor = new CountDownLatch(1);
			this.queue.execute(() -> {
				if (this.queue.isReactorThread() && Thread.currentThread() == second) {
					onReactor.countDown();
				}
			});
			assertThat(onReactor.await(5, TimeUnit.SECONDS)).isTrue();
			await().atMost(Duration.ofSeconds(5)).until(() -> this.queue.stats().running());
		});
	}

}
