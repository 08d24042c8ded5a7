package io.github.selectorwakequeue.logback;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * 10k virtual threads log 10 events each, half of them inside a {@code synchronized} block (which pins the
 * carrier before JDK 24). Nothing on the logging path parks, so no carrier is held up, and every event is
 * appended by the reactor, a platform thread. Compiled for release 17, so the JDK 21 API is reached through
 * reflection; runs on JDK 21 or later (CI's JDK 25 pass).
 */
@EnabledForJreRange(min = JRE.JAVA_21)
class VirtualThreadCallerTests {

	private static final int THREADS = 10_000;

	private static final int EVENTS_PER_THREAD = 10;

	@Test
	void tenThousandVirtualCallersLoseNothing() throws Exception {
		Method isVirtual = Thread.class.getMethod("isVirtual");
		ExecutorService virtualThreads = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
			.invoke(null);
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			// room for every event below the reserved slots, so any loss would be the appender's
			try (AppenderFixture fixture = AppenderFixture.start("virtual", (a) -> a.setQueueSize(131_072))) {
				AtomicInteger virtualCallers = new AtomicInteger();
				AtomicInteger errors = new AtomicInteger();
				CountDownLatch go = new CountDownLatch(1);
				Object monitor = new Object();
				try {
					for (int t = 0; t < THREADS; t++) {
						boolean pinned = (t % 2) == 0;
						int thread = t;
						virtualThreads.execute(() -> {
							try {
								go.await();
								if ((boolean) isVirtual.invoke(Thread.currentThread())) {
									virtualCallers.incrementAndGet();
								}
								for (int i = 0; i < EVENTS_PER_THREAD; i++) {
									if (pinned) {
										synchronized (monitor) {
											fixture.logger.info("thread {} event {}", thread, i);
										}
									}
									else {
										fixture.logger.info("thread {} event {}", thread, i);
									}
								}
							}
							catch (Throwable ex) {
								errors.incrementAndGet();
							}
						});
					}
					go.countDown();
				}
				finally {
					virtualThreads.shutdown();
				}
				assertThat(virtualThreads.awaitTermination(40, TimeUnit.SECONDS)).isTrue();
				fixture.awaitAppended(THREADS * EVENTS_PER_THREAD, Duration.ofSeconds(30));

				assertThat(errors.get()).isZero();
				assertThat(virtualCallers.get()).isEqualTo(THREADS);
				assertThat(fixture.recorder.count()).isEqualTo(THREADS * EVENTS_PER_THREAD);
				assertThat(fixture.appender.droppedEvents()).isEqualTo(DroppedEvents.NONE);
				assertThat(fixture.recorder.appended()).allSatisfy((a) -> {
					assertThat(AppenderFixture.isReactor(a.thread())).isTrue();
					assertThat((boolean) isVirtual.invoke(a.thread())).isFalse();
				});
			}
		});
	}

}
