package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.List;
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
 * {@code close(timeout)} returns while a stuck listener still runs on the thread it was handed off with. What the
 * queue's threads do after that still keeps the lane rules, and they end as soon as the stuck part returns (found
 * by {@link FaultInjectionTests}).
 */
class CloseGaveUpTests {

	private SelectorWakeQueue queue;

	private final CountDownLatch releaseStuck = new CountDownLatch(1);

	private final CountDownLatch stuckEntered = new CountDownLatch(1);

	private final AtomicBoolean stuckRunning = new AtomicBoolean();

	@AfterEach
	void close() {
		this.releaseStuck.countDown();
		QueueTestSupport.closeQuietly(this.queue);
	}

	@Test
	void aFanOutFinishedAfterCloseGaveUpRunsNoPartBesideItsLanesRunningPart() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			Lane stuck = startWithAHandedOffPart("close-mid-dispatch");
			Lane gate = this.queue.lane("gate");
			CountDownLatch gateEntered = new CountDownLatch(1);
			CountDownLatch releaseGate = new CountDownLatch(1);
			CountDownLatch secondPartRan = new CountDownLatch(1);
			AtomicInteger besideTheRunningPart = new AtomicInteger();
			this.queue.execute(QueueTestSupport.fanOut((index) -> {
				if (index == 0) {
					gateEntered.countDown(); // on the reactor, which is dispatching this fan-out
					QueueTestSupport.awaitQuietly(releaseGate);
					return;
				}
				if (this.stuckRunning.get()) {
					besideTheRunningPart.incrementAndGet();
				}
				secondPartRan.countDown();
			}, gate, stuck));
			assertThat(gateEntered.await(10, TimeUnit.SECONDS)).isTrue();
			List<Runnable> notRun = this.queue.close(Duration.ZERO); // gives up on the stuck part at once
			releaseGate.countDown(); // the reactor goes on with the fan-out it was dispatching
			boolean ranBeforeRelease = secondPartRan.await(500, TimeUnit.MILLISECONDS);
			this.releaseStuck.countDown();
			boolean returned = notRun.stream().anyMatch((task) -> task instanceof LanePart part && part.index() == 1);
			if (!ranBeforeRelease && !returned) {
				assertThat(secondPartRan.await(10, TimeUnit.SECONDS)).as("the second part ran").isTrue();
			}
			assertThat(besideTheRunningPart).as("parts of 'stuck' run while its first part ran").hasValue(0);
		});
	}

	@Test
	void theReactorEndsSoonAfterTheStuckPartThatCloseGaveUpOnReturns() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			startWithAHandedOffPart("reactor-after-close");
			Thread reactor = QueueTestSupport.awaitReactorInSelect(this.queue); // the spare, now the reactor
			this.queue.close(Duration.ofMillis(50)); // gives up waiting for the stuck lane
			this.releaseStuck.countDown();
			reactor.join(300);
			assertThat(reactor.isAlive()).as("the reactor 300 ms after the stuck part was released").isFalse();
		});
	}

	/** A queue whose lane 'stuck' has a part running on the thread it was handed off with, until released. */
	private Lane startWithAHandedOffPart(String name) throws InterruptedException {
		this.queue = SelectorWakeQueue.builder().name(name)
			.laneThresholds(Duration.ofMillis(1), Duration.ofMillis(30), 4, 10_000)
			.build();
		this.queue.start();
		Lane stuck = this.queue.lane("stuck");
		this.queue.execute(QueueTestSupport.onePart(stuck, () -> {
			this.stuckRunning.set(true);
			this.stuckEntered.countDown();
			QueueTestSupport.awaitQuietly(this.releaseStuck);
			this.stuckRunning.set(false);
		}));
		assertThat(this.stuckEntered.await(10, TimeUnit.SECONDS)).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.queue.stats().reactorHandOffs() == 1);
		return stuck;
	}

}
