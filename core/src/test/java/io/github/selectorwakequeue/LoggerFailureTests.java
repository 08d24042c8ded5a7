package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Logging is a call out of the queue like any other: a logging back-end that throws, or that blocks because a
 * listener is stuck inside it holding its lock, must not keep a stuck listener's hand-off from happening or leave
 * the queue without a reactor. Logged through the public route (java.util.logging, which {@link System.Logger}
 * uses by default).
 */
class LoggerFailureTests {

	private SelectorWakeQueue queue;

	@AfterEach
	void close() {
		QueueTestSupport.closeQuietly(this.queue);
	}

	@Test
	void aLoggerThatThrowsDuringAHandOffLeavesTheQueueWithARunningReactor() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			try (JulFaults faults = JulFaults.throwing((logRecord) -> true,
					new IllegalStateException("logging back-end down (test)"))) {
				this.queue = stuckThresholdQueue("throwing-logger");
				CountDownLatch release = new CountDownLatch(1);
				QueueTestSupport.holdLane(this.queue, this.queue.lane("stuck"), release);
				CountDownLatch plainTasks = new CountDownLatch(100);
				for (int i = 0; i < 100; i++) {
					this.queue.execute(plainTasks::countDown);
				}
				assertThat(plainTasks.await(10, TimeUnit.SECONDS)).as("tasks run while the listener is stuck").isTrue();
				assertThat(this.queue.stats().reactorHandOffs()).isEqualTo(1);
				release.countDown();
				assertThat(this.queue.awaitQuiescence(Duration.ofSeconds(10))).isTrue();
				CountDownLatch later = new CountDownLatch(1);
				this.queue.execute(later::countDown);
				assertThat(later.await(10, TimeUnit.SECONDS)).as("and after it").isTrue();
			}
		});
	}

	@Test
	void aListenerStuckInsideLoggingIsHandedOffThoughTheHandOffsOwnLogLineWaitsForTheSameLock() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			try (JulFaults.Blocking logging = JulFaults.blocking("listener writes this line")) {
				this.queue = stuckThresholdQueue("blocked-logger");
				System.Logger listenerLog = System.getLogger("io.github.selectorwakequeue.test.Listener");
				this.queue.execute(QueueTestSupport.onePart(this.queue.lane("logging-listener"),
						() -> listenerLog.log(System.Logger.Level.INFO, "listener writes this line")));
				assertThat(logging.entered.await(10, TimeUnit.SECONDS)).isTrue();
				CountDownLatch plainTasks = new CountDownLatch(100);
				for (int i = 0; i < 100; i++) {
					this.queue.execute(plainTasks::countDown);
				}
				assertThat(plainTasks.await(10, TimeUnit.SECONDS))
					.as("tasks run while a listener holds the log handler's lock").isTrue();
				logging.release();
				assertThat(this.queue.awaitQuiescence(Duration.ofSeconds(10))).isTrue();
			}
		});
	}

	private static SelectorWakeQueue stuckThresholdQueue(String name) {
		SelectorWakeQueue queue = SelectorWakeQueue.builder().name(name)
			.laneThresholds(Duration.ofMillis(1), Duration.ofMillis(30), 4, 10_000)
			.build();
		queue.start();
		return queue;
	}

}
