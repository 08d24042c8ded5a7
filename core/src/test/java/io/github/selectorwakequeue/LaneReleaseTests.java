package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@link Lane#release()}: a released lane is forgotten once nothing waits or runs in it, observers hear of it, and
 * nothing addressed to it is lost; lane observers cannot break the queue.
 */
class LaneReleaseTests {

	private SelectorWakeQueue queue;

	@AfterEach
	void close() {
		QueueTestSupport.closeQuietly(this.queue);
	}

	@Test
	void anIdleReleasedLaneIsForgottenAtOnceAndObserversHearOfIt() {
		this.queue = SelectorWakeQueue.builder().name("release-idle").build();
		this.queue.start();
		List<String> events = new CopyOnWriteArrayList<>();
		this.queue.observeLanes(new LaneObserver() {
			@Override
			public void created(Lane lane) {
				events.add("created " + lane.name());
			}

			@Override
			public void released(Lane lane) {
				events.add("released " + lane.name());
			}
		});
		Lane lane = this.queue.lane("listener");
		lane.release();
		assertThat(this.queue.lanes()).doesNotContain(lane);
		assertThat(events).containsExactly("created listener", "released listener");
		Lane again = this.queue.lane("listener");
		assertThat(again).isNotSameAs(lane);
		assertThat(events).containsExactly("created listener", "released listener", "created listener");
	}

	@Test
	void aBusyReleasedLaneRunsEverythingAddressedToItFirstAndIsForgottenAfterItsLastPart() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			this.queue = SelectorWakeQueue.builder().name("release-busy")
				.laneThresholds(Duration.ofNanos(50_000), Duration.ofSeconds(10), 4, 10_000)
				.build();
			this.queue.start();
			List<Lane> released = new CopyOnWriteArrayList<>();
			this.queue.observeLanes(new LaneObserver() {
				@Override
				public void created(Lane lane) {
				}

				@Override
				public void released(Lane lane) {
					released.add(lane);
				}
			});
			Lane lane = this.queue.lane("slow");
			AtomicInteger ran = new AtomicInteger();
			CountDownLatch gate = new CountDownLatch(1);
			for (int i = 0; i < 50; i++) {
				int number = i;
				this.queue.execute(QueueTestSupport.onePart(lane, () -> {
					if (number == 10) {
						QueueTestSupport.awaitQuietly(gate); // on a worker by then: the backlog waits
					}
					LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
					ran.incrementAndGet();
				}));
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> lane.stats().depth() > 0);
			lane.release();
			assertThat(this.queue.lanes()).as("kept while parts wait").contains(lane);
			assertThat(released).isEmpty();
			gate.countDown();
			assertThat(this.queue.awaitQuiescence(Duration.ofSeconds(20))).isTrue();
			assertThat(ran).hasValue(50);
			await().atMost(Duration.ofSeconds(10)).until(() -> released.contains(lane));
			assertThat(this.queue.lanes()).doesNotContain(lane);
		});
	}

	@Test
	void askingForAReleasedLaneBeforeItIsForgottenKeepsIt() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			this.queue = SelectorWakeQueue.builder().name("release-kept")
				.laneThresholds(Duration.ofNanos(50_000), Duration.ofSeconds(10), 4, 10_000)
				.build();
			this.queue.start();
			Lane lane = this.queue.lane("kept");
			CountDownLatch gate = new CountDownLatch(1);
			for (int i = 0; i < 20; i++) {
				int number = i;
				this.queue.execute(QueueTestSupport.onePart(lane, () -> {
					if (number == 10) {
						QueueTestSupport.awaitQuietly(gate);
					}
					LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
				}));
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> lane.stats().depth() > 0);
			lane.release();
			assertThat(this.queue.lane("kept")).isSameAs(lane);
			gate.countDown();
			assertThat(this.queue.awaitQuiescence(Duration.ofSeconds(20))).isTrue();
			assertThat(this.queue.lanes()).contains(lane);
		});
	}

	@Test
	void aLaneObserverThatThrowsStopsNeitherLaneCreationNorTheOtherObservers() {
		this.queue = SelectorWakeQueue.builder().name("observer-throws").build();
		this.queue.start();
		List<String> seen = new CopyOnWriteArrayList<>();
		this.queue.observeLanes((lane) -> {
			throw new IllegalStateException("observer failed on purpose");
		});
		this.queue.observeLanes((lane) -> seen.add(lane.name()));
		Lane lane = this.queue.lane("a");
		assertThat(lane.name()).isEqualTo("a");
		assertThat(this.queue.lanes()).contains(lane);
		assertThat(seen).containsExactly("a");
		lane.release();
		assertThat(this.queue.lanes()).doesNotContain(lane);
	}

}
