package io.github.selectorwakequeue.logback;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * 64 threads with their interrupt flag set log 500 events each (LOGBACK-1247: {@code AsyncAppender} dropped
 * such events; LOGBACK-910 / logback#998: it swallowed the flag). Every event is appended and every flag is
 * still set afterwards.
 */
class InterruptedCallerTests {

	private static final int CALLERS = 64;

	private static final int EVENTS_PER_CALLER = 500;

	@Test
	void interruptedCallersLoseNothingAndKeepTheirFlag() {
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			// room for every event below the reserved slots, so any loss would be the appender's
			try (AppenderFixture fixture = AppenderFixture.start("interrupted", (a) -> a.setQueueSize(65_536))) {
				AtomicInteger flagsKept = new AtomicInteger();
				ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
				CountDownLatch go = new CountDownLatch(1);
				List<Thread> callers = new ArrayList<>();
				for (int c = 0; c < CALLERS; c++) {
					int caller = c;
					callers.add(AppenderFixture.startDaemon("interrupted-caller-" + c, () -> {
						AppenderFixture.awaitQuietly(go);
						Thread.currentThread().interrupt();
						try {
							for (int i = 0; i < EVENTS_PER_CALLER; i++) {
								fixture.logger.info("caller {} event {}", caller, i);
							}
						}
						catch (Throwable ex) {
							errors.add(ex);
						}
						if (Thread.currentThread().isInterrupted()) {
							flagsKept.incrementAndGet();
						}
					}));
				}
				go.countDown();
				callers.forEach(AppenderFixture::join);
				fixture.awaitAppended(CALLERS * EVENTS_PER_CALLER, Duration.ofSeconds(30));

				assertThat(errors).isEmpty();
				assertThat(flagsKept.get()).isEqualTo(CALLERS);
				assertThat(fixture.recorder.count()).isEqualTo(CALLERS * EVENTS_PER_CALLER);
				assertThat(fixture.appender.droppedEvents()).isEqualTo(DroppedEvents.NONE);
				assertThat(fixture.recorder.appended()).allSatisfy((a) -> {
					assertThat(a.event().getThreadName()).startsWith("interrupted-caller-");
					assertThat(AppenderFixture.isReactor(a.thread())).isTrue();
				});
			}
		});
	}

}
