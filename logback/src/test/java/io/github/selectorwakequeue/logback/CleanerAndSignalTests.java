package io.github.selectorwakequeue.logback;

import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The project's seed problem, on the JVM: logging from a garbage-collection callback ({@link Cleaner} actions
 * run after {@code System.gc()}) while holding a lock the attached appender needs, and logging from a signal
 * handler ({@code SIGWINCH}, on the JVM's signal-dispatch thread). Neither caller may block.
 */
class CleanerAndSignalTests {

	private static final int CLEANED_OBJECTS = 100;

	/** More than the queue holds plus the one event the reactor can take before it waits for the lock. */
	private static final int EVENTS_PER_ACTION = 20;

	private static final int SIGNALS = 5;

	@Test
	void cleanerActionsHoldingTheAppendersLockNeverBlock() {
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			// 16 slots; INFO is dropped once fewer than 3 are free, so at most 14 wait
			try (AppenderFixture fixture = AppenderFixture.start("cleaner", (a) -> a.setQueueSize(16))) {
				Object appenderLock = new Object();
				fixture.recorder.onAppend((event) -> {
					synchronized (appenderLock) { // the attached appender needs the lock the callers hold
						event.getFormattedMessage();
					}
				});
				Cleaner cleaner = Cleaner.create();
				AtomicInteger actionsDone = new AtomicInteger();
				AtomicInteger actionErrors = new AtomicInteger();
				Set<String> actionThreads = ConcurrentHashMap.newKeySet();
				for (int i = 0; i < CLEANED_OBJECTS; i++) {
					int object = i;
					// the action must not capture the object, or it would never become unreachable
					cleaner.register(new Object(), () -> {
						actionThreads.add(Thread.currentThread().getName());
						try {
							synchronized (appenderLock) {
								for (int k = 0; k < EVENTS_PER_ACTION; k++) {
									fixture.logger.info("cleaned {} event {}", object, k);
								}
							}
						}
						catch (Throwable ex) {
							actionErrors.incrementAndGet();
						}
						actionsDone.incrementAndGet();
					});
				}
				await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(50)).until(() -> {
					System.gc();
					return actionsDone.get() == CLEANED_OBJECTS;
				});

				int logged = CLEANED_OBJECTS * EVENTS_PER_ACTION;
				await().atMost(Duration.ofSeconds(10))
					.until(() -> cleanerEvents(fixture) + fixture.appender.droppedEvents().info() == logged);
				assertThat(actionErrors.get()).isZero();
				assertThat(actionThreads).isNotEmpty().allSatisfy((name) -> assertThat(name).startsWith("Cleaner"));
				// while an action holds the lock the reactor appends nothing: at most 14 queued + 1 taken per action
				assertThat(fixture.appender.droppedEvents().info()).isGreaterThanOrEqualTo(
						(long) CLEANED_OBJECTS * (EVENTS_PER_ACTION - 15));
				assertThat(fixture.recorder.appended()).allSatisfy((a) -> {
					assertThat(AppenderFixture.isReactor(a.thread())).isTrue();
					if (!AppenderFixture.isSummary(a.event())) {
						assertThat(a.event().getThreadName()).startsWith("Cleaner");
					}
				});
			}
		});
	}

	@Test
	void aSignalHandlerLogsWithoutBlocking() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			try (AppenderFixture fixture = AppenderFixture.start("signal")) {
				Signal winch = new Signal("WINCH");
				AtomicInteger handlerErrors = new AtomicInteger();
				AtomicInteger received = new AtomicInteger();
				SignalHandler previous = Signal.handle(winch, (signal) -> {
					try {
						fixture.logger.warn("signal {} received", received.getAndIncrement());
					}
					catch (Throwable ex) {
						handlerErrors.incrementAndGet();
					}
				});
				try {
					for (int i = 0; i < SIGNALS; i++) {
						// one signal at a time: pending signals of one kind coalesce in the kernel
						sendWinchToSelf();
						int expected = i + 1;
						await().atMost(Duration.ofSeconds(10)).until(() -> fixture.recorder.count() == expected);
					}
				}
				finally {
					Signal.handle(winch, previous);
				}
				assertThat(handlerErrors.get()).isZero();
				assertThat(fixture.recorder.messages()).containsExactly("signal 0 received", "signal 1 received",
						"signal 2 received", "signal 3 received", "signal 4 received");
				assertThat(fixture.recorder.appended()).allSatisfy((a) -> {
					assertThat(a.event().getThreadName()).containsIgnoringCase("WINCH");
					assertThat(AppenderFixture.isReactor(a.thread())).isTrue();
				});
			}
		});
	}

	private static long cleanerEvents(AppenderFixture fixture) {
		return fixture.recorder.messages().stream().filter((m) -> m.startsWith("cleaned ")).count();
	}

	private static void sendWinchToSelf() throws Exception {
		Process kill = new ProcessBuilder("kill", "-WINCH", String.valueOf(ProcessHandle.current().pid()))
			.redirectErrorStream(true)
			.start();
		assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
		assertThat(kill.exitValue()).isZero();
	}

}
