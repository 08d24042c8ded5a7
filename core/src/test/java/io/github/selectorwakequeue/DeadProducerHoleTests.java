package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The documented window, made deterministic: a producer that "dies" between claiming a ring slot and
 * filling it is simulated by claiming a slot and recording the death, as {@code offer} does when a
 * {@link StackOverflowError} escapes it after the claim. The reactor skips such holes after the grace period,
 * a burst of them costs one grace period rather than one each, and {@code close} does not spin forever on one.
 * A producer that is only slow is never skipped unless a producer died, and if its slot was skipped its store
 * fails, so it learns that its task was not accepted.
 */
class DeadProducerHoleTests {

	private SelectorWakeQueue queue;

	private final QueueTestSupport.ManualClock clock = new QueueTestSupport.ManualClock();

	@AfterEach
	void close() {
		this.clock.release();
		QueueTestSupport.closeQuietly(this.queue);
	}

	@Test
	void reactorSkipsADeadHoleAndRunsWhatIsBehindIt() {
		assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
			this.queue = SelectorWakeQueue.builder().name("one-hole").build();
			this.queue.start();
			AtomicInteger ran = new AtomicInteger();
			this.queue.execute(ran::incrementAndGet);
			claimSlotAndDie(this.queue);
			for (int i = 0; i < 10; i++) {
				this.queue.execute(ran::incrementAndGet);
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> ran.get() == 11);
			assertThat(this.queue.stats().tasksLost()).isEqualTo(1);
			assertThat(this.queue.stats().size()).isZero();
			assertThat(this.queue.stats().running()).isTrue();
		});
	}

	@Test
	void aBurstOfDeadHolesCostsOneGracePeriodNotOneEach() {
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			this.queue = SelectorWakeQueue.builder().name("hole-burst").build();
			AtomicInteger ran = new AtomicInteger();
			int holes = 20;
			for (int i = 0; i < holes; i++) {
				claimSlotAndDie(this.queue);
				this.queue.execute(ran::incrementAndGet);
			}
			long start = System.nanoTime();
			this.queue.start();
			await().atMost(Duration.ofSeconds(50)).until(() -> ran.get() == holes);
			long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			assertThat(this.queue.stats().tasksLost()).isEqualTo(holes);
			// one grace period (plus scheduling slack), where a grace period per hole would take 20 s
			assertThat(tookMillis).isGreaterThanOrEqualTo(TimeUnit.NANOSECONDS.toMillis(TaskRing.HOLE_GRACE_NANOS) - 50)
				.isLessThan(5_000);
		});
	}

	@Test
	void closeDoesNotSpinForeverOnADeadHole() {
		assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
			this.queue = SelectorWakeQueue.builder().name("close-over-hole").build();
			// never started: close itself must drain past the hole
			List<Runnable> accepted = new ArrayList<>();
			Runnable before = () -> {
			};
			this.queue.execute(before);
			accepted.add(before);
			claimSlotAndDie(this.queue);
			for (int i = 0; i < 5; i++) {
				Runnable task = () -> {
				};
				this.queue.execute(task);
				accepted.add(task);
			}
			long start = System.nanoTime();
			List<Runnable> notRun = this.queue.close(Duration.ofMillis(100));
			long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			assertThat(notRun).containsExactlyElementsOf(accepted);
			assertThat(tookMillis).isLessThan(5_000);
			assertThat(this.queue.stats().tasksLost()).isEqualTo(1);
		});
	}

	@Test
	void aSlowLiveProducerIsNeverPluggedWhenNoProducerDied() {
		assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
			this.queue = SelectorWakeQueue.builder().name("slow-producer").nanoClock(this.clock).build();
			this.queue.start();
			TaskRing ring = this.queue.ring();
			List<Integer> ran = new CopyOnWriteArrayList<>();
			long slow = ring.claim();
			for (int i = 1; i <= 10; i++) {
				int number = i;
				this.queue.execute(() -> ran.add(number));
			}
			// the reactor rechecks the hole every millisecond: however much time passes, it keeps waiting for the
			// live producer (the clock moves a grace period at each look)
			await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> {
				this.clock.advance(TaskRing.HOLE_GRACE_NANOS);
				return ran.isEmpty();
			});
			assertThat(ring.store(slow, (Runnable) () -> ran.add(0))).as("the late store is accepted").isTrue();
			await().atMost(Duration.ofSeconds(5)).until(() -> ran.size() == 11);
			assertThat(ran).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
			assertThat(this.queue.stats().tasksLost()).isZero();
		});
	}

	@Test
	void aLiveProducerWhoseSlotWasPluggedLearnsThatItsTaskWasNotAccepted() {
		assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
			this.queue = SelectorWakeQueue.builder().name("plugged-producer").nanoClock(this.clock).build();
			this.queue.start();
			TaskRing ring = this.queue.ring();
			List<Integer> ran = new CopyOnWriteArrayList<>();
			long slow = ring.claim();
			claimSlotAndDie(this.queue);
			for (int i = 1; i <= 10; i++) {
				int number = i;
				this.queue.execute(() -> ran.add(number));
			}
			// one producer died, so one hole may be plugged: the first one, which is the live producer's (the clock
			// moves a grace period at each look, whenever the reactor began to watch the hole)
			await().atMost(Duration.ofSeconds(5)).until(() -> {
				this.clock.advance(TaskRing.HOLE_GRACE_NANOS);
				return this.queue.stats().tasksLost() == 1;
			});
			assertThat(ran).as("the dead producer's hole still holds the rest back").isEmpty();
			assertThat(ring.store(slow, (Runnable) () -> ran.add(0))).as("the plugged producer's store fails").isFalse();
			// its plug is given back, and the dead producer's hole is plugged in turn
			await().atMost(Duration.ofSeconds(5)).until(() -> ran.size() == 10);
			assertThat(ran).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
			assertThat(this.queue.stats().tasksLost()).isEqualTo(1);
		});
	}

	/** Does what a producer dying between the ring's claim and store leaves behind, and reports it. */
	static void claimSlotAndDie(SelectorWakeQueue queue) {
		TaskRing ring = queue.ring();
		assertThat(ring.claim()).as("claimed a slot").isNotNegative();
		ring.recordDeath();
	}

}
