package io.github.selectorwakequeue.logback;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Callers that hold a lock the appending side needs: the attached appender itself, or an argument's
 * {@code toString()} (jetty#848: a blocked producer holds the lock the consumer's {@code toString()} needs).
 * With a blocking queue both deadlock as soon as the queue fills; here the caller never waits, the message is
 * formatted on the caller's thread, and a mutable argument is captured as it was when logged.
 */
class LockHoldingCallerTests {

	private static final int CALLERS = 4;

	private static final int EVENTS_PER_SECTION = 2_000;

	@Test
	void callersHoldingTheAppendersLockNeverWaitForIt() {
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			try (AppenderFixture fixture = AppenderFixture.start("lock-holding", (a) -> {
				a.setQueueSize(16);
				a.setDiscardingThreshold(0);
			})) {
				Object appenderLock = new Object();
				fixture.recorder.onAppend((event) -> {
					synchronized (appenderLock) {
						event.getFormattedMessage();
					}
				});
				CountDownLatch go = new CountDownLatch(1);
				List<Thread> callers = new ArrayList<>();
				for (int c = 0; c < CALLERS; c++) {
					int caller = c;
					callers.add(AppenderFixture.startDaemon("lock-holder-" + c, () -> {
						AppenderFixture.awaitQuietly(go);
						synchronized (appenderLock) {
							for (int i = 0; i < EVENTS_PER_SECTION; i++) {
								fixture.logger.info("caller {} event {}", caller, i);
							}
						}
					}));
				}
				go.countDown();
				callers.forEach(AppenderFixture::join);

				long logged = (long) CALLERS * EVENTS_PER_SECTION;
				await().atMost(Duration.ofSeconds(20))
					.until(() -> callerEvents(fixture) + fixture.appender.droppedEvents().info() == logged);
				// while a section holds the lock the reactor appends nothing: 16 queued + 1 taken at most per section
				assertThat(fixture.appender.droppedEvents().info()).isGreaterThanOrEqualTo(logged - CALLERS * 17L);
			}
		});
	}

	@Test
	void anArgumentWhoseToStringNeedsTheCallersLockIsFormattedOnTheCaller() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			try (AppenderFixture fixture = AppenderFixture.start("to-string-lock", (a) -> {
				a.setQueueSize(8);
				a.setDiscardingThreshold(0);
			})) {
				Object stateLock = new Object();
				LockedState state = new LockedState(stateLock);
				// the attached appender reads the argument too, as a structured (JSON) encoder would
				fixture.recorder.onAppend((event) -> String.valueOf(event.getArgumentArray()[0]));
				int events = 100;
				synchronized (stateLock) {
					for (int i = 0; i < events; i++) {
						state.value = i;
						fixture.logger.info("state {}", state);
					}
				}
				await().atMost(Duration.ofSeconds(10))
					.until(() -> fixture.recorder.count() - fixture.summaryLines().size()
							+ fixture.appender.droppedEvents().info() == events);
				List<String> appended = fixture.recorder.messages()
					.stream()
					.filter((m) -> m.startsWith("state "))
					.toList();
				// formatted on the caller, as the value was when logged (the 9 that fit: 8 queued and 1 taken)
				assertThat(appended).isNotEmpty().allSatisfy((message) -> assertThat(message).endsWith(" by caller"));
				assertThat(appended).doesNotHaveDuplicates().isSorted();
				assertThat(state.formattedOn).contains(Thread.currentThread().getName())
					.anySatisfy((thread) -> assertThat(thread).startsWith("SelectorWakeQueueAppender-"));
			}
		});
	}

	@Test
	void aMutableArgumentIsCapturedAsItWasWhenLogged() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			try (AppenderFixture fixture = AppenderFixture.start("mutable")) {
				CountDownLatch gate = fixture.holdReactor("hold");
				StringBuilder mutable = new StringBuilder("before");
				fixture.logger.info("argument is {}", mutable);
				mutable.setLength(0);
				mutable.append("after");
				gate.countDown();
				fixture.awaitAppended(2, Duration.ofSeconds(10));
				assertThat(fixture.recorder.messages()).containsExactly("hold", "argument is before");
			}
		});
	}

	private static long callerEvents(AppenderFixture fixture) {
		return fixture.recorder.messages().stream().filter((m) -> m.startsWith("caller ")).count();
	}

	/** An argument whose {@code toString()} takes a lock, and says on which thread it was formatted. */
	private static final class LockedState {

		private final Object lock;

		volatile int value;

		final Set<String> formattedOn = ConcurrentHashMap.newKeySet();

		LockedState(Object lock) {
			this.lock = lock;
		}

		@Override
		public String toString() {
			synchronized (this.lock) {
				String thread = Thread.currentThread().getName();
				this.formattedOn.add(thread);
				return "value=" + String.format("%03d", this.value) + " by "
						+ (thread.startsWith("SelectorWakeQueueAppender-") ? "reactor" : "caller");
			}
		}

	}

}
