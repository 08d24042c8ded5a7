package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** An interrupt is not a request to stop the lane monitor: it clears it (instead of spinning) and keeps watching. */
class LaneMonitorInterruptTests {

	private SelectorWakeQueue queue;

	@AfterEach
	void close() {
		QueueTestSupport.closeQuietly(this.queue);
	}

	@Test
	void anInterruptedLaneMonitorClearsTheInterruptAndStillHandsOffAStuckListener() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			this.queue = SelectorWakeQueue.builder().name("monitor-interrupted")
				.laneThresholds(Duration.ofMillis(1), Duration.ofMillis(30), 4, 10_000)
				.build();
			this.queue.start();
			Lane lane = this.queue.lane("stuck");
			Thread monitor = await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet()
				.stream().filter((thread) -> thread.getName().equals("monitor-interrupted-lane-monitor"))
				.findFirst().orElse(null), (found) -> found != null);
			monitor.interrupt();
			await().atMost(Duration.ofSeconds(10)).until(() -> !monitor.isInterrupted());
			assertThat(monitor.isAlive()).isTrue();

			CountDownLatch release = new CountDownLatch(1);
			QueueTestSupport.holdLane(this.queue, lane, release);
			CountDownLatch plain = new CountDownLatch(1);
			this.queue.execute(plain::countDown);
			assertThat(plain.await(10, TimeUnit.SECONDS)).isTrue();
			release.countDown();
			assertThat(this.queue.awaitQuiescence(Duration.ofSeconds(10))).isTrue();
		});
	}

}
