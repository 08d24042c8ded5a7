package io.github.selectorwakequeue;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Test 7: 10k virtual threads produce, half of them inside a {@code synchronized} block (which pins the
 * carrier before JDK 24). The producer path never blocks, so no carrier is held up and every task runs on
 * the reactor, a platform thread. The code is compiled for release 17, so the JDK 21 API is reached
 * through reflection; the test runs when the suite runs on JDK 21 or later (CI's JDK 25 pass).
 */
@EnabledForJreRange(min = JRE.JAVA_21)
class VirtualThreadProducerTests {

	private static final int THREADS = 10_000;

	private static final int TASKS_PER_THREAD = 10;

	private SelectorWakeQueue queue;

	@AfterEach
	void close() {
		QueueTestSupport.closeQuietly(this.queue);
	}

	@Test
	void tenThousandVirtualProducersLoseNothing() throws Exception {
		Method isVirtual = Thread.class.getMethod("isVirtual");
		ExecutorService virtualThreads = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
			.invoke(null);
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			this.queue = SelectorWakeQueue.builder().name("virtual").capacity(1024).build();
			this.queue.start();
			AtomicInteger ranOnPlatformReactor = new AtomicInteger();
			AtomicInteger virtualProducers = new AtomicInteger();
			AtomicInteger errors = new AtomicInteger();
			CountDownLatch go = new CountDownLatch(1);
			Object monitor = new Object();
			Runnable task = () -> {
				if (this.queue.isReactorThread() && !isVirtual(isVirtual, Thread.currentThread())) {
					ranOnPlatformReactor.incrementAndGet();
				}
			};
			try {
				for (int t = 0; t < THREADS; t++) {
					boolean pinned = (t % 2) == 0;
					virtualThreads.execute(() -> {
						try {
							go.await();
							if (isVirtual(isVirtual, Thread.currentThread())) {
								virtualProducers.incrementAndGet();
							}
							for (int i = 0; i < TASKS_PER_THREAD; i++) {
								if (pinned) {
									synchronized (monitor) {
										offerUntilAccepted(task);
									}
								}
								else {
									offerUntilAccepted(task);
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
			assertThat(virtualThreads.awaitTermination(50, TimeUnit.SECONDS)).isTrue();
			QueueTestSupport.awaitDrained(this.queue, Duration.ofSeconds(30));

			assertThat(errors.get()).isZero();
			assertThat(virtualProducers.get()).isEqualTo(THREADS);
			assertThat(ranOnPlatformReactor.get()).isEqualTo(THREADS * TASKS_PER_THREAD);
			assertThat(this.queue.stats().callerRuns()).isZero();
		});
	}

	/** Retries a full queue, yielding the carrier, so every task travels through the reactor. */
	private void offerUntilAccepted(Runnable task) {
		while (!this.queue.offer(task)) {
			Thread.yield();
		}
	}

	private static boolean isVirtual(Method isVirtual, Thread thread) {
		try {
			return (boolean) isVirtual.invoke(thread);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
