package io.github.selectorwakequeue.spring.actuate;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.selectorwakequeue.FanOut;
import io.github.selectorwakequeue.Lane;
import io.github.selectorwakequeue.SelectorWakeQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Tests for {@link SelectorWakeQueueHealthIndicator}: each status and its details.
 */
class SelectorWakeQueueHealthIndicatorTests {

	private static final Duration BOUND = Duration.ofSeconds(20);

	private static final Duration THRESHOLD = Duration.ofMillis(200);

	private SelectorWakeQueue queue;

	@AfterEach
	void closeQueue() {
		if (this.queue != null) {
			this.queue.close(Duration.ofSeconds(5));
		}
	}

	@Test
	void upWhileTheReactorRunsWithTheAlwaysPresentDetails() {
		this.queue = SelectorWakeQueue.builder().name("healthy").capacity(1024).build();
		this.queue.start();
		Health health = indicator().health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsOnlyKeys("size", "capacity", "utilization", "oldestTaskAge",
				"reactorRestarts");
		assertThat(health.getDetails()).containsEntry("size", 0)
			.containsEntry("capacity", 1024)
			.containsEntry("utilization", 0.0)
			.containsEntry("oldestTaskAge", "PT0S")
			.containsEntry("reactorRestarts", 0L);
	}

	@Test
	void unknownBeforeStart() {
		this.queue = SelectorWakeQueue.builder().name("unstarted").capacity(4).build();
		this.queue.offer(() -> {
		});
		Health health = indicator().health();
		assertThat(health.getStatus()).isEqualTo(Status.UNKNOWN);
		assertThat(health.getDetails()).containsEntry("reason", "not started")
			.containsEntry("size", 1)
			.containsEntry("utilization", 25.0);
	}

	@Test
	void outOfServiceAfterClose() {
		this.queue = SelectorWakeQueue.builder().name("closed").build();
		this.queue.start();
		this.queue.close(Duration.ofSeconds(5));
		Health health = indicator().health();
		assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
		assertThat(health.getDetails()).containsEntry("reason", "closed").containsKey("capacity");
	}

	@Test
	void downWhenTheReactorThreadIsNotRunning() {
		// A factory whose thread never runs the reactor: the queue is started but has no live reactor.
		this.queue = SelectorWakeQueue.builder()
			.name("dead")
			.threadFactory((reactor) -> new Thread(() -> {
			}, "dead-reactor"))
			.build();
		this.queue.start();
		Thread reactor = this.queue.reactorThread().orElseThrow();
		assertTimeoutPreemptively(BOUND, () -> reactor.join());
		Health health = indicator().health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("reason", "reactor thread not running")
			.doesNotContainKey("stalledFor");
		assertThat(reactorThread(health)).containsEntry("name", "dead-reactor").containsEntry("state", "TERMINATED");
	}

	@Test
	void downWithTheBlockingFrameWhileATaskStallsAndUpAfterRelease() {
		this.queue = SelectorWakeQueue.builder().name("stalling").build();
		this.queue.start();
		SelectorWakeQueueHealthIndicator indicator = indicator();
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch entered = new CountDownLatch(1);
		assertTimeoutPreemptively(BOUND, () -> {
			try {
				this.queue.execute(() -> blockUntilReleased(entered, release));
				assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
				// The first look may only start the clock for this task (see Stats#currentTaskRunningFor).
				Health down = await().atMost(BOUND)
					.pollInterval(Duration.ofMillis(50))
					.until(indicator::health, (health) -> Status.DOWN.equals(health.getStatus()));
				assertThat(Duration.parse((String) down.getDetails().get("stalledFor"))).isGreaterThan(THRESHOLD);
				assertThat((String) down.getDetails().get("reason")).startsWith("stalled");
				Map<String, Object> thread = reactorThread(down);
				assertThat(thread).containsEntry("name", "stalling").containsEntry("state", "WAITING");
				@SuppressWarnings("unchecked")
				List<String> stack = (List<String>) thread.get("stackTrace");
				assertThat(stack).hasSizeLessThanOrEqualTo(SelectorWakeQueueDiagnosis.MAX_STACK_FRAMES)
					.anySatisfy((frame) -> assertThat(frame).contains("blockUntilReleased"));
			}
			finally {
				release.countDown();
			}
			await().atMost(BOUND)
				.pollInterval(Duration.ofMillis(20))
				.until(() -> Status.UP.equals(indicator.health().getStatus()));
		});
		assertThat(indicator.health().getDetails()).doesNotContainKeys("stalledFor", "reactorThread", "reason");
	}

	@Test
	void aListenerStuckOnALaneWorkerIsReportedAsTheStalledThreadNotAsTheReactor() {
		this.queue = SelectorWakeQueue.builder()
			.name("lanes")
			.laneThresholds(Duration.ofMillis(1), Duration.ofMillis(50), 2, 100)
			.build();
		this.queue.start();
		SelectorWakeQueueHealthIndicator indicator = indicator();
		Lane lane = this.queue.lane("Listener.onEvent(Event)");
		assertTimeoutPreemptively(BOUND, () -> {
			// A first stall hands the reactor off, and the lane then counts as slow: it runs its parts on a worker.
			CountDownLatch first = new CountDownLatch(1);
			this.queue.execute(new BlockingPart(lane, new CountDownLatch(1), first));
			await().atMost(BOUND).until(() -> lane.stats().mode() == Lane.Mode.STUCK);
			first.countDown();
			await().atMost(BOUND).until(() -> lane.stats().mode() == Lane.Mode.ON_WORKER && lane.stats().runningThread() == null);

			CountDownLatch entered = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			try {
				this.queue.execute(new BlockingPart(lane, entered, release));
				assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
				Health down = await().atMost(BOUND)
					.pollInterval(Duration.ofMillis(50))
					.until(indicator::health, (health) -> Status.DOWN.equals(health.getStatus()));
				assertThat(down.getDetails()).containsEntry("stalledListener", "Listener.onEvent(Event)")
					.containsKeys("stalledThread", "reactorThread");
				@SuppressWarnings("unchecked")
				Map<String, Object> stalled = (Map<String, Object>) down.getDetails().get("stalledThread");
				assertThat((String) stalled.get("name")).startsWith("lanes-lane-worker");
				assertThat((List<?>) stalled.get("stackTrace"))
					.anySatisfy((frame) -> assertThat((String) frame).contains("blockUntilReleased"));
				Thread reactor = this.queue.reactorThread().orElseThrow();
				assertThat(reactorThread(down)).containsEntry("name", reactor.getName()).doesNotContainKey("stackTrace");
			}
			finally {
				release.countDown();
			}
		});
	}

	@Test
	void rejectsANonPositiveThreshold() {
		this.queue = SelectorWakeQueue.builder().build();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SelectorWakeQueueHealthIndicator(this.queue, Duration.ZERO))
			.withMessageContaining("stallThreshold");
	}

	private SelectorWakeQueueHealthIndicator indicator() {
		return new SelectorWakeQueueHealthIndicator(this.queue, THRESHOLD);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> reactorThread(Health health) {
		return (Map<String, Object>) health.getDetails().get("reactorThread");
	}

	/** One part, in one lane, that blocks until released. */
	private record BlockingPart(Lane lane, CountDownLatch entered, CountDownLatch release) implements FanOut {

		@Override
		public int parts() {
			return 1;
		}

		@Override
		public Lane lane(int index) {
			return this.lane;
		}

		@Override
		public void runPart(int index) {
			blockUntilReleased(this.entered, this.release);
		}

	}

	private static void blockUntilReleased(CountDownLatch entered, CountDownLatch release) {
		entered.countDown();
		try {
			release.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
