package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Test 6: producers that hit {@link StackOverflowError} inside {@code execute}, at every point of the
 * producer path. Each producer recurses until the stack overflows, then, as the error unwinds, calls
 * {@code execute} from every frame on the way up until a call completes: the first calls overflow
 * almost at once, later ones a little deeper inside {@code execute} (in the ring's offer, between its
 * claim and its store, in the wake write), until one has room. A random number of padding frames before
 * each dive shifts where those overflows land. 100k {@code execute} calls in all, on four threads.
 *
 * <p>Afterwards: every task whose {@code execute} returned normally ran exactly once; no task ran twice;
 * the reactor survived (a slot claimed by a producer that died before filling it is skipped after the
 * grace period described in {@code TaskRing} and {@code TaskRing#poll}); and it takes new tasks.
 */
class StackOverflowProducerTests {

	private static final int THREADS = 4;

	private static final int ATTEMPTS_PER_THREAD = 25_000;

	private static final int ATTEMPTS = THREADS * ATTEMPTS_PER_THREAD;

	/** Small stacks make each dive short (overflowing a deep stack costs far more than a shallow one). */
	private static final long STACK_BYTES = 192 * 1024;

	private SelectorWakeQueue queue;

	@AfterEach
	void close() {
		QueueTestSupport.closeQuietly(this.queue);
	}

	@Test
	void producersDyingOfStackOverflowNeitherLoseAcceptedTasksNorWedgeTheReactor() {
		assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
			// larger than all attempts together: a full queue would run tasks on the (overflowing) caller
			this.queue = SelectorWakeQueue.builder().name("stack-overflow").capacity(2 * ATTEMPTS).build();
			this.queue.start();
			QueueTestSupport.awaitReactorInSelect(this.queue);
			AtomicIntegerArray ran = new AtomicIntegerArray(ATTEMPTS);
			int[] accepted = new int[ATTEMPTS]; // each slot written by one producer, read after join
			CountDownLatch go = new CountDownLatch(1);
			List<Diver> divers = new ArrayList<>();
			List<Thread> threads = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				Diver diver = new Diver(this.queue, ran, accepted, t * ATTEMPTS_PER_THREAD, (t + 1) * ATTEMPTS_PER_THREAD, go);
				divers.add(diver);
				Thread thread = new Thread(null, diver, "diver-" + t, STACK_BYTES);
				thread.setDaemon(true);
				thread.start();
				threads.add(thread);
			}
			go.countDown();
			threads.forEach(QueueTestSupport::join);

			int acceptedCount = 0;
			for (int id = 0; id < ATTEMPTS; id++) {
				acceptedCount += accepted[id];
			}
			int returnedNormally = acceptedCount;
			int overflowed = ATTEMPTS - returnedNormally;
			assertThat(divers).allSatisfy((diver) -> assertThat(diver.failure).isNull());
			assertThat(overflowed).as("execute calls that overflowed").isPositive();

			// every task whose execute returned normally runs (dead holes are skipped after a grace period)
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
				for (int id = 0; id < ATTEMPTS; id++) {
					if (accepted[id] == 1 && ran.get(id) == 0) {
						return false;
					}
				}
				return true;
			});
			QueueTestSupport.awaitDrained(this.queue, Duration.ofSeconds(30));
			int ranCount = 0;
			int ranDespiteOverflow = 0;
			for (int id = 0; id < ATTEMPTS; id++) {
				assertThat(ran.get(id)).as("runs of task %d", id).isLessThanOrEqualTo(1);
				assertThat(ran.get(id)).as("runs of accepted task %d", id).isGreaterThanOrEqualTo(accepted[id]);
				ranCount += ran.get(id);
				if (accepted[id] == 0 && ran.get(id) == 1) {
					ranDespiteOverflow++;
				}
			}
			System.out.printf("[stack-overflow] %d execute calls: %d returned, %d overflowed (%d of those tasks ran "
					+ "anyway); %d ran in all; holes skipped: %d; reactor restarts: %d%n", ATTEMPTS, returnedNormally,
					overflowed, ranDespiteOverflow, ranCount, this.queue.stats().tasksLost(),
					this.queue.stats().reactorRestarts());

			// the reactor is not wedged: a new task runs promptly and the thread is the same live reactor
			CountDownLatch fresh = new CountDownLatch(1);
			this.queue.execute(fresh::countDown);
			assertThat(fresh.await(5, TimeUnit.SECONDS)).isTrue();
			assertThat(this.queue.stats().running()).isTrue();
			assertThat(this.queue.stats().failed()).isZero();
		});
	}

	/** A producer that overflows its stack around {@code execute} calls until it has made its share of them. */
	private static final class Diver implements Runnable {

		private final SelectorWakeQueue queue;

		private final AtomicIntegerArray ran;

		private final int[] accepted;

		private final int limit;

		private final CountDownLatch go;

		private int nextId;

		/** Keeps {@link #pad}'s locals alive; never read. */
		private long sink;

		volatile Throwable failure;

		Diver(SelectorWakeQueue queue, AtomicIntegerArray ran, int[] accepted, int firstId, int limit, CountDownLatch go) {
			this.queue = queue;
			this.ran = ran;
			this.accepted = accepted;
			this.nextId = firstId;
			this.limit = limit;
			this.go = go;
		}

		@Override
		public void run() {
			try {
				this.go.await();
				while (this.nextId < this.limit) {
					pad(ThreadLocalRandom.current().nextInt(64));
				}
			}
			catch (Throwable ex) {
				this.failure = ex;
			}
		}

		/** A few frames of another size, so that the dive below ends at a different offset each time. */
		private void pad(int frames) {
			long a = frames;
			long b = a * 31;
			long c = b ^ a;
			if (frames > 0) {
				pad(frames - 1);
			}
			else {
				dive();
			}
			this.sink += a + b + c; // keeps the locals (and so the frame size) alive
		}

		/** Recurses until the stack overflows, then calls execute from each frame on the way back up. */
		private void dive() {
			try {
				dive();
			}
			catch (StackOverflowError overflow) {
				if (this.nextId >= this.limit) {
					return;
				}
				attempt(); // overflows again until this frame is high enough: the error then reaches our caller
			}
		}

		/** Uses up one id whatever happens; marks it accepted only if {@code execute} returned normally. */
		private void attempt() {
			int id = this.nextId++;
			this.queue.execute(new Task(this.ran, id));
			this.accepted[id] = 1; // a plain store: nothing here can overflow
		}

	}

	private static final class Task implements Runnable {

		private final AtomicIntegerArray ran;

		private final int id;

		Task(AtomicIntegerArray ran, int id) {
			this.ran = ran;
			this.id = id;
		}

		@Override
		public void run() {
			this.ran.incrementAndGet(this.id);
		}

	}

}
