package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@code close(timeout)} bounds the whole close: with a slow listener's backlog far longer than the timeout, it
 * returns after about the timeout with every part that did not run, and nothing is both run and returned.
 */
class BoundedCloseTests {

	private SelectorWakeQueue queue;

	@AfterEach
	void close() {
		QueueTestSupport.closeQuietly(this.queue);
	}

	@Test
	void closeReturnsWithinItsTimeoutWhileASlowLaneHasSecondsOfBacklog() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			this.queue = SelectorWakeQueue.builder().name("bounded-close").build();
			this.queue.start();
			Lane slow = this.queue.lane("slow");
			AtomicInteger ran = new AtomicInteger();
			for (int i = 0; i < 2_000; i++) {
				this.queue.execute(QueueTestSupport.onePart(slow, () -> {
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
					ran.incrementAndGet();
				}));
			}
			long start = System.nanoTime();
			List<Runnable> notRun = this.queue.close(Duration.ofMillis(500));
			long took = System.nanoTime() - start;
			assertThat(Duration.ofNanos(took)).as("close(500 ms)").isLessThan(Duration.ofMillis(500 + 1_500));
			assertThat(notRun.size() + ran.get()).isEqualTo(2_000);
			int ranAtClose = ran.get();
			// what close returned does not run any more on the queue's threads
			assertThat(this.queue.awaitQuiescence(Duration.ofSeconds(5))).isTrue();
			assertThat(ran.get()).isEqualTo(ranAtClose);
		});
	}

}
