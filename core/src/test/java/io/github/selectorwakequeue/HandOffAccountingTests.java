package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Hand-offs count each task once: {@code dispatched} never exceeds {@code enqueued}. */
class HandOffAccountingTests {

	private SelectorWakeQueue queue;

	@AfterEach
	void close() {
		QueueTestSupport.closeQuietly(this.queue);
	}

	@Test
	void aFanOutWithTwoStuckPartsCountsAsOneDispatchedTask() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			this.queue = SelectorWakeQueue.builder().name("two-stuck")
				.laneThresholds(Duration.ofMillis(1), Duration.ofMillis(30), 4, 10_000)
				.build();
			this.queue.start();
			List<CountDownLatch> entered = List.of(new CountDownLatch(1), new CountDownLatch(1));
			CountDownLatch release = new CountDownLatch(1);
			Lane first = this.queue.lane("first");
			Lane second = this.queue.lane("second");
			this.queue.execute(QueueTestSupport.fanOut((index) -> {
				entered.get(index).countDown();
				QueueTestSupport.awaitQuietly(release);
			}, first, second));
			CountDownLatch plain = new CountDownLatch(1);
			this.queue.execute(plain::countDown);
			assertThat(entered.get(1).await(10, TimeUnit.SECONDS)).as("the second part ran after a hand-off").isTrue();
			assertThat(plain.await(10, TimeUnit.SECONDS)).as("the plain task ran after the second hand-off").isTrue();
			await().atMost(Duration.ofSeconds(10)).until(() -> this.queue.stats().reactorHandOffs() == 2);
			Stats during = this.queue.stats();
			assertThat(during.dispatched()).as("dispatched while both parts hang").isLessThanOrEqualTo(during.enqueued());
			release.countDown();
			assertThat(this.queue.awaitQuiescence(Duration.ofSeconds(10))).isTrue();
			Stats after = this.queue.stats();
			assertThat(after.enqueued()).isEqualTo(2);
			assertThat(after.dispatched()).isEqualTo(2);
		});
	}

}
