package io.github.selectorwakequeue.spring.metrics;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.github.selectorwakequeue.OverflowPolicy;
import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.spring.event.EventRoutingStatus;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Tests for {@link SelectorWakeQueueMetrics}: meter names, tags and values after real traffic.
 */
class SelectorWakeQueueMetricsTests {

	private static final Duration BOUND = Duration.ofSeconds(20);

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private SelectorWakeQueue queue;

	@AfterEach
	void closeQueue() {
		if (this.queue != null) {
			this.queue.close(Duration.ofSeconds(5));
		}
	}

	@Test
	void dispatchedCountsEveryTaskRun() {
		this.queue = SelectorWakeQueue.builder().name("traffic").capacity(4096).build();
		new SelectorWakeQueueMetrics(this.queue, null, null).bindTo(this.registry);
		this.queue.start();
		int tasks = 1000;
		CountDownLatch ran = new CountDownLatch(tasks);
		assertTimeoutPreemptively(BOUND, () -> {
			for (int i = 0; i < tasks; i++) {
				this.queue.execute(ran::countDown);
			}
			assertThat(ran.await(15, TimeUnit.SECONDS)).isTrue();
			await().atMost(BOUND).untilAsserted(() -> assertThat(tasks("dispatched")).isEqualTo(tasks));
		});
		assertThat(tasks("enqueued")).isEqualTo(tasks);
		assertThat(tasks("rejected")).isZero();
		assertThat(tasks("caller_runs")).isZero();
		assertThat(tasks("discarded")).isZero();
		assertThat(tasks("failed")).isZero();
		assertThat(this.registry.get("wakequeue.depth").tag("name", "traffic").gauge().value()).isZero();
		assertThat(this.registry.get("wakequeue.reactor.restarts").tag("name", "traffic").functionCounter().count())
			.isZero();
	}

	@Test
	void wakeupsCountTheWakesOfASleepingReactor() {
		this.queue = SelectorWakeQueue.builder().name("sleepy").build();
		new SelectorWakeQueueMetrics(this.queue, null, null).bindTo(this.registry);
		this.queue.start();
		assertThat(this.registry.get("wakequeue.wakeups").tag("name", "sleepy").functionCounter().count()).isZero();
		// A task offered while the reactor is busy needs no wake-up: keep offering, one at a time, until
		// one finds it asleep (between polls it has all the time it needs to fall asleep).
		assertTimeoutPreemptively(BOUND, () -> await().atMost(BOUND).pollInterval(Duration.ofMillis(50)).until(() -> {
			CountDownLatch ran = new CountDownLatch(1);
			this.queue.execute(ran::countDown);
			assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
			return this.registry.get("wakequeue.wakeups").tag("name", "sleepy").functionCounter().count() >= 1;
		}));
		assertThat(this.registry.get("wakequeue.wakeups").tag("name", "sleepy").functionCounter().count())
			.isEqualTo(this.queue.stats().wakeups());
	}

	@Test
	void rejectedIsCountedWhenAFullQueueRejects() {
		this.queue = fullQueue(OverflowPolicy.REJECT);
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> this.queue.execute(() -> {
		}));
		assertThat(tasks("rejected")).isEqualTo(1);
		assertThat(tasks("enqueued")).isEqualTo(2);
		assertThat(tasks("caller_runs")).isZero();
		assertThat(tasks("discarded")).isZero();
	}

	@Test
	void discardedIsCountedWhenAFullQueueDiscards() {
		this.queue = fullQueue(OverflowPolicy.DISCARD);
		this.queue.execute(() -> {
		});
		this.queue.execute(() -> {
		});
		assertThat(tasks("discarded")).isEqualTo(2);
		assertThat(tasks("rejected")).isZero();
		assertThat(tasks("caller_runs")).isZero();
	}

	@Test
	void callerRunsIsCountedWhenAFullQueueRunsTheTaskOnTheCaller() {
		this.queue = fullQueue(OverflowPolicy.CALLER_RUNS);
		AtomicReference<Thread> ranOn = new AtomicReference<>();
		this.queue.execute(() -> ranOn.set(Thread.currentThread()));
		assertThat(ranOn.get()).isSameAs(Thread.currentThread());
		assertThat(tasks("caller_runs")).isEqualTo(1);
		assertThat(tasks("rejected")).isZero();
		assertThat(tasks("discarded")).isZero();
	}

	@Test
	void depthAndCapacityAreGaugedAndDepthDrainsAfterStart() {
		this.queue = fullQueue(OverflowPolicy.DISCARD);
		assertThat(this.registry.get("wakequeue.depth").tag("name", "full").gauge().value()).isEqualTo(2);
		assertThat(this.registry.get("wakequeue.capacity").tag("name", "full").gauge().value()).isEqualTo(2);
		this.queue.start();
		assertTimeoutPreemptively(BOUND, () -> await().atMost(BOUND).untilAsserted(() -> {
			assertThat(this.registry.get("wakequeue.depth").tag("name", "full").gauge().value()).isZero();
			assertThat(tasks("dispatched")).isEqualTo(2);
		}));
	}

	@Test
	void failedIsCountedWhenATaskThrows() {
		this.queue = SelectorWakeQueue.builder().name("traffic").errorHandler((task, error) -> {
		}).build();
		new SelectorWakeQueueMetrics(this.queue, null, null).bindTo(this.registry);
		this.queue.start();
		assertTimeoutPreemptively(BOUND, () -> {
			this.queue.execute(() -> {
				throw new IllegalStateException("boom");
			});
			await().atMost(BOUND).untilAsserted(() -> {
				assertThat(tasks("failed")).isEqualTo(1);
				assertThat(tasks("dispatched")).isEqualTo(1);
			});
		});
	}

	@Test
	void timersRecordSampledTasksThroughTheRelay() {
		TaskTimingsRelay relay = new TaskTimingsRelay();
		this.queue = SelectorWakeQueue.builder().name("timed").taskTimings(relay, 1).build();
		SimpleMeterRegistry second = new SimpleMeterRegistry();
		SelectorWakeQueueMetrics metrics = new SelectorWakeQueueMetrics(this.queue, null, relay);
		metrics.bindTo(this.registry);
		metrics.bindTo(second);
		this.queue.start();
		int tasks = 50;
		assertTimeoutPreemptively(BOUND, () -> {
			for (int i = 0; i < tasks; i++) {
				this.queue.execute(() -> {
				});
			}
			await().atMost(BOUND).untilAsserted(() -> {
				for (MeterRegistry registry : new MeterRegistry[] { this.registry, second }) {
					Timer wait = registry.get("wakequeue.wait").tag("name", "timed").timer();
					Timer execution = registry.get("wakequeue.execution").tag("name", "timed").timer();
					assertThat(wait.count()).isEqualTo(tasks);
					assertThat(execution.count()).isEqualTo(tasks);
				}
			});
		});
	}

	@Test
	void timersAreLeftOutWithoutARelay() {
		this.queue = SelectorWakeQueue.builder().name("untimed").build();
		new SelectorWakeQueueMetrics(this.queue, null, null).bindTo(this.registry);
		assertThat(this.registry.find("wakequeue.wait").meters()).isEmpty();
		assertThat(this.registry.find("wakequeue.execution").meters()).isEmpty();
		assertThat(this.registry.find("wakequeue.events").meters()).isEmpty();
	}

	@Test
	void eventsAreCountedByMode() {
		this.queue = SelectorWakeQueue.builder().name("events").build();
		EventRoutingStatus routing = new EventRoutingStatus("not yet");
		new SelectorWakeQueueMetrics(this.queue, routing, null).bindTo(this.registry);
		routing.countAsync();
		routing.countAsync();
		routing.countAsync();
		routing.countSync();
		assertThat(this.registry.get("wakequeue.events").tags("name", "events", "mode", "async").functionCounter().count())
			.isEqualTo(3);
		assertThat(this.registry.get("wakequeue.events").tags("name", "events", "mode", "sync").functionCounter().count())
			.isEqualTo(1);
	}

	@Test
	void everyMeterIsTaggedWithTheQueueNameAndOnlyBoundedTags() {
		TaskTimingsRelay relay = new TaskTimingsRelay();
		this.queue = SelectorWakeQueue.builder().name("tagged").taskTimings(relay, 64).build();
		new SelectorWakeQueueMetrics(this.queue, new EventRoutingStatus("not yet"), relay).bindTo(this.registry);
		assertThat(this.registry.getMeters()).hasSize(19);
		for (Meter meter : this.registry.getMeters()) {
			assertThat(meter.getId().getName()).startsWith("wakequeue.");
			assertThat(meter.getId().getTag("name")).isEqualTo("tagged");
			assertThat(meter.getId().getTags()).extracting(Tag::getKey).isSubsetOf("name", "outcome", "mode");
		}
		assertThat(this.registry.find("wakequeue.tasks").meters()).extracting((meter) -> meter.getId().getTag("outcome"))
			.containsExactlyInAnyOrder("enqueued", "dispatched", "rejected", "caller_runs", "discarded", "failed", "lost",
					"overflowed");
	}

	/** A queue of capacity 2, not started, holding two tasks, with metrics bound. */
	private SelectorWakeQueue fullQueue(OverflowPolicy policy) {
		SelectorWakeQueue full = SelectorWakeQueue.builder().name("full").capacity(2).overflowPolicy(policy).build();
		new SelectorWakeQueueMetrics(full, null, null).bindTo(this.registry);
		assertThat(full.offer(() -> {
		})).isTrue();
		assertThat(full.offer(() -> {
		})).isTrue();
		assertThat(full.offer(() -> {
		})).isFalse();
		return full;
	}

	private double tasks(String outcome) {
		return this.registry.get("wakequeue.tasks").tags("outcome", outcome).functionCounter().count();
	}

}
