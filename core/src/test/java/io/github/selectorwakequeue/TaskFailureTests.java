package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Test 10: tasks throwing {@link RuntimeException} and {@link Error} interleaved with normal tasks. The
 * normal ones all run, in order, on the one reactor thread; {@code failed} counts exactly the throwers
 * and the error handler receives each of them with the task that threw.
 */
class TaskFailureTests {

	private static final int TASKS = 30_000;

	private SelectorWakeQueue queue;

	@AfterEach
	void close() {
		QueueTestSupport.closeQuietly(this.queue);
	}

	@Test
	void throwingTasksAreCountedAndReportedAndTheRestRun() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			List<Runnable> reportedTasks = new CopyOnWriteArrayList<>();
			List<Throwable> reportedErrors = new CopyOnWriteArrayList<>();
			this.queue = SelectorWakeQueue.builder().name("failures").errorHandler((task, error) -> {
				reportedTasks.add(task);
				reportedErrors.add(error);
			}).build();
			this.queue.start();
			AtomicInteger normalRan = new AtomicInteger();
			AtomicInteger outOfOrder = new AtomicInteger();
			int throwers = 0;
			int normal = 0;
			for (int i = 0; i < TASKS; i++) {
				if (i % 3 == 1) {
					this.queue.execute(new Thrower(new IllegalStateException("runtime " + i)));
					throwers++;
				}
				else if (i % 3 == 2 && i % 2 == 0) {
					this.queue.execute(new Thrower(new TaskError("error " + i)));
					throwers++;
				}
				else {
					int expected = normal++;
					this.queue.execute(() -> {
						if (normalRan.getAndIncrement() != expected) {
							outOfOrder.incrementAndGet();
						}
					});
				}
			}
			QueueTestSupport.awaitDrained(this.queue, Duration.ofSeconds(20));

			assertThat(normalRan.get()).isEqualTo(normal);
			assertThat(outOfOrder.get()).isZero();
			assertThat(this.queue.stats().failed()).isEqualTo(throwers);
			assertThat(reportedErrors).hasSize(throwers);
			assertThat(reportedErrors).hasAtLeastOneElementOfType(IllegalStateException.class)
				.hasAtLeastOneElementOfType(TaskError.class);
			for (int i = 0; i < reportedTasks.size(); i++) {
				assertThat(reportedTasks.get(i)).isInstanceOf(Thrower.class);
				assertThat(((Thrower) reportedTasks.get(i)).error).isSameAs(reportedErrors.get(i));
			}
			assertThat(this.queue.stats().running()).isTrue();
		});
	}

	@Test
	void aFailingErrorHandlerDoesNotStopTheReactor() {
		assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
			this.queue = SelectorWakeQueue.builder().name("failing-handler").errorHandler((task, error) -> {
				throw new IllegalStateException("handler broke");
			}).build();
			this.queue.start();
			AtomicInteger ran = new AtomicInteger();
			for (int i = 0; i < 10; i++) {
				this.queue.execute(new Thrower(new IllegalArgumentException("boom")));
				this.queue.execute(ran::incrementAndGet);
			}
			QueueTestSupport.awaitDrained(this.queue, Duration.ofSeconds(5));
			assertThat(ran.get()).isEqualTo(10);
			assertThat(this.queue.stats().failed()).isEqualTo(10);
			assertThat(this.queue.stats().reactorRestarts()).isZero();
		});
	}

	@Test
	void anErrorHandlerRethrowingTheSameExceptionNeitherRestartsTheReactorNorEscapesCallerRuns() {
		assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
			this.queue = SelectorWakeQueue.builder().name("rethrowing-handler").capacity(2).errorHandler((task, error) -> {
				throw (RuntimeException) error;
			}).build();
			this.queue.start();
			AtomicInteger ran = new AtomicInteger();
			for (int i = 0; i < 10; i++) {
				this.queue.execute(new Thrower(new IllegalArgumentException("boom " + i)));
				this.queue.execute(ran::incrementAndGet);
			}
			QueueTestSupport.awaitDrained(this.queue, Duration.ofSeconds(5));
			assertThat(ran.get()).isEqualTo(10);
			assertThat(this.queue.stats().failed()).isEqualTo(10);
			assertThat(this.queue.stats().reactorRestarts()).isZero();
			// caller-runs after close runs the task on this thread: the same handler must not make execute throw
			this.queue.close(Duration.ofSeconds(5));
			assertThatNoException().isThrownBy(() -> this.queue.execute(new Thrower(new IllegalStateException("late"))));
			assertThat(this.queue.stats().failed()).isEqualTo(11);
		});
	}

	/** An {@link Error} that is not a JVM condition, so the test can throw it freely. */
	static final class TaskError extends Error {

		TaskError(String message) {
			super(message, null, false, false);
		}

	}

	static final class Thrower implements Runnable {

		final Throwable error;

		Thrower(Throwable error) {
			this.error = error;
		}

		@Override
		public void run() {
			if (this.error instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw (Error) this.error;
		}

	}

}
