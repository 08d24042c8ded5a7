package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A {@link FanOut}'s own methods are user code: a {@code parts()} or {@code lane(i)} that throws, or a lane that is
 * {@code null}, is contained like a failing task (reported to the error handler, counted in {@code failed}); the
 * other parts run and the reactor goes on, with lanes on or off.
 */
class FanOutFailureTests {

	private SelectorWakeQueue queue;

	@AfterEach
	void close() {
		QueueTestSupport.closeQuietly(this.queue);
	}

	@ParameterizedTest(name = "lanes enabled: {0}")
	@ValueSource(booleans = { true, false })
	void aFanOutWhoseLaneThrowsOrIsNullLosesOnlyThatPart(boolean lanes) {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			List<Runnable> reported = new CopyOnWriteArrayList<>();
			this.queue = SelectorWakeQueue.builder().name("fan-out-lane-fails").lanes(lanes)
				.errorHandler((task, error) -> reported.add(task))
				.build();
			this.queue.start();
			Lane good = this.queue.lane("good");
			AtomicInteger goodParts = new AtomicInteger();
			AtomicInteger badParts = new AtomicInteger();
			for (int i = 0; i < 8; i++) {
				boolean returnNull = (i % 2 == 0);
				this.queue.execute(new FanOut() {
					@Override
					public int parts() {
						return 3;
					}

					@Override
					public Lane lane(int index) {
						if (index != 1) {
							return good;
						}
						if (returnNull) {
							return null;
						}
						throw new IllegalStateException("lane(1) fails (test)");
					}

					@Override
					public void runPart(int index) {
						if (index == 1) {
							badParts.incrementAndGet();
						}
						else {
							goodParts.incrementAndGet();
						}
					}
				});
			}
			assertThat(this.queue.awaitQuiescence(Duration.ofSeconds(10))).isTrue();
			Stats stats = this.queue.stats();
			assertThat(goodParts).hasValue(16);
			assertThat(badParts).as("a part without a lane does not run").hasValue(0);
			assertThat(stats.failed()).isEqualTo(8);
			assertThat(reported).hasSize(8);
			assertThat(stats.reactorRestarts()).as("the reactor did not die").isZero();
			assertThat(stats.dispatched()).isEqualTo(8);
		});
	}

	@ParameterizedTest(name = "lanes enabled: {0}")
	@ValueSource(booleans = { true, false })
	void aFanOutWhosePartsThrowsIsReportedAsOneFailedTask(boolean lanes) {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			List<Throwable> reported = new CopyOnWriteArrayList<>();
			this.queue = SelectorWakeQueue.builder().name("fan-out-parts-fails").lanes(lanes)
				.errorHandler((task, error) -> reported.add(error))
				.build();
			this.queue.start();
			AtomicInteger after = new AtomicInteger();
			for (int i = 0; i < 8; i++) {
				this.queue.execute(new FanOut() {
					@Override
					public int parts() {
						throw new IllegalStateException("parts() fails (test)");
					}

					@Override
					public Lane lane(int index) {
						throw new AssertionError("not reached");
					}

					@Override
					public void runPart(int index) {
						throw new AssertionError("not reached");
					}
				});
				this.queue.execute(after::incrementAndGet);
			}
			assertThat(this.queue.awaitQuiescence(Duration.ofSeconds(10))).isTrue();
			assertThat(after).hasValue(8);
			assertThat(reported).hasSize(8).allMatch((error) -> error.getMessage().contains("parts() fails"));
			assertThat(this.queue.stats().failed()).isEqualTo(8);
			assertThat(this.queue.stats().reactorRestarts()).isZero();
		});
	}

}
