package io.github.selectorwakequeue;

import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Test 4: producers that must never block or throw: {@link Cleaner} actions (run on the cleaner's
 * thread after garbage collection) and a {@code sun.misc.Signal} handler for SIGWINCH (run on the JVM's
 * signal-dispatch thread). Every task they enqueue runs on the reactor.
 */
class CleanerAndSignalTests {

	private static final int CLEANED_OBJECTS = 200;

	private static final int SIGNALS = 5;

	private SelectorWakeQueue queue;

	@BeforeEach
	void open() {
		this.queue = SelectorWakeQueue.builder().name("cleaner-and-signal").overflowPolicy(OverflowPolicy.REJECT).build();
		this.queue.start();
	}

	@AfterEach
	void close() {
		QueueTestSupport.closeQuietly(this.queue);
	}

	@Test
	void cleanerActionsEnqueueTasksThatAllRun() {
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			Cleaner cleaner = Cleaner.create();
			AtomicInteger ranOnReactor = new AtomicInteger();
			Set<Thread> producerThreads = ConcurrentHashMap.newKeySet();
			AtomicInteger producerErrors = new AtomicInteger();
			for (int i = 0; i < CLEANED_OBJECTS; i++) {
				// the action must not capture the object, or it would never become unreachable
				cleaner.register(new Object(), () -> {
					producerThreads.add(Thread.currentThread());
					try {
						this.queue.execute(() -> {
							if (this.queue.isReactorThread()) {
								ranOnReactor.incrementAndGet();
							}
						});
					}
					catch (Throwable ex) {
						producerErrors.incrementAndGet();
					}
				});
			}
			await().atMost(Duration.ofSeconds(50)).pollInterval(Duration.ofMillis(50)).until(() -> {
				System.gc();
				return ranOnReactor.get() == CLEANED_OBJECTS;
			});
			assertThat(producerErrors.get()).isZero();
			assertThat(producerThreads).isNotEmpty()
				.doesNotContain(Thread.currentThread(), this.queue.reactorThread().orElseThrow())
				.allSatisfy((thread) -> assertThat(thread.getName()).startsWith("Cleaner"));
		});
	}

	@Test
	void signalHandlerEnqueuesTasksThatAllRun() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			Signal winch = new Signal("WINCH");
			Set<String> handlerThreads = ConcurrentHashMap.newKeySet();
			AtomicInteger producerErrors = new AtomicInteger();
			AtomicInteger ranOnReactor = new AtomicInteger();
			CountDownLatch[] ran = new CountDownLatch[1];
			SignalHandler previous = Signal.handle(winch, (signal) -> {
				handlerThreads.add(Thread.currentThread().getName());
				try {
					CountDownLatch latch = ran[0];
					this.queue.execute(() -> {
						if (this.queue.isReactorThread()) {
							ranOnReactor.incrementAndGet();
						}
						latch.countDown();
					});
				}
				catch (Throwable ex) {
					producerErrors.incrementAndGet();
				}
			});
			try {
				for (int i = 0; i < SIGNALS; i++) {
					// one signal at a time: pending signals of one kind coalesce in the kernel
					ran[0] = new CountDownLatch(1);
					QueueTestSupport.awaitReactorInSelect(this.queue);
					sendWinchToSelf();
					assertThat(ran[0].await(10, TimeUnit.SECONDS)).as("task from signal %d ran", i).isTrue();
				}
			}
			finally {
				Signal.handle(winch, previous);
			}
			assertThat(ranOnReactor.get()).isEqualTo(SIGNALS);
			assertThat(producerErrors.get()).isZero();
			assertThat(handlerThreads).allSatisfy((name) -> assertThat(name).containsIgnoringCase("WINCH"));
		});
	}

	private static void sendWinchToSelf() throws Exception {
		Process kill = new ProcessBuilder("kill", "-WINCH", String.valueOf(ProcessHandle.current().pid()))
			.redirectErrorStream(true)
			.start();
		assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
		assertThat(kill.exitValue()).isZero();
	}

}
