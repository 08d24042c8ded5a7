package io.github.selectorwakequeue;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The documented window, made deterministic: a producer that "dies" between claiming a ring slot and
 * filling it is simulated by claiming slots directly (the ring's producer-index CAS) and raising the
 * queue's died-in-offer flag, as {@code offer} does when a {@link StackOverflowError} escapes it. The
 * reactor skips such holes after the grace period, a burst of them costs one grace period rather than
 * one each, and {@code close} does not spin forever on one.
 */
class DeadProducerHoleTests {

	private SelectorWakeQueue queue;

	@AfterEach
	void close() {
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

	/** Does what a producer dying between the ring's claim and store leaves behind. */
	static void claimSlotAndDie(SelectorWakeQueue queue) throws ReflectiveOperationException {
		TaskRing ring = queue.ring();
		Method cas = findMethod(ring.getClass(), "casProducerIndex", long.class, long.class);
		cas.setAccessible(true);
		long index = ring.currentProducerIndex();
		assertThat((boolean) cas.invoke(ring, index, index + 1)).as("claimed slot %d", index).isTrue();
		Field died = TaskRing.class.getDeclaredField("producerDiedInOffer");
		died.setAccessible(true);
		died.setBoolean(ring, true);
	}

	private static Method findMethod(Class<?> type, String name, Class<?>... parameters) throws NoSuchMethodException {
		for (Class<?> current = type; current != null; current = current.getSuperclass()) {
			try {
				return current.getDeclaredMethod(name, parameters);
			}
			catch (NoSuchMethodException ex) {
				// look further up
			}
		}
		throw new NoSuchMethodException(name);
	}

}
