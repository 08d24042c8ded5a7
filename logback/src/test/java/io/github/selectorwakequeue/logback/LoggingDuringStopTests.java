package io.github.selectorwakequeue.logback;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.core.status.Status;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Events that meet a stopping appender: those an attached appender logs while the queue is flushed are appended
 * inline, as at any other time; those other threads log meanwhile, or after the stop, are counted as dropped; and
 * a {@code stop()} called by an attached appender, on the reactor itself, still appends what is queued. Nothing
 * disappears uncounted into Logback's "non started appender" warning.
 */
class LoggingDuringStopTests {

	@Test
	void whileStopFlushesNestedEventsAreAppendedAndOtherThreadsEventsAreCounted() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			AppenderFixture fixture = AppenderFixture.start("stop-logging",
					(a) -> a.setMaxFlushTime(ch.qos.logback.core.util.Duration.buildBySeconds(20)));
			Logger nested = fixture.context.getLogger("test.nested"); // additive: back into our appender
			CountDownLatch gate = fixture.holdReactor("hold");
			fixture.recorder.onAppend((event) -> {
				if ("hold".equals(event.getFormattedMessage())) {
					AppenderFixture.awaitQuietly(gate);
				}
				else if (event.getFormattedMessage().startsWith("event")) {
					nested.debug("nested of {}", event.getFormattedMessage());
				}
			});
			for (int i = 0; i < 10; i++) {
				fixture.logger.info("event {}", i);
			}
			fixture.stopWhileHeld(gate, false, () -> {
				for (int i = 0; i < 5; i++) {
					fixture.logger.info("late {}", i); // while the queue is being flushed
				}
			});
			fixture.logger.warn("after stop");

			List<String> expected = new ArrayList<>(List.of("hold"));
			for (int i = 0; i < 10; i++) {
				expected.add("event " + i);
				expected.add("nested of event " + i);
			}
			assertThat(fixture.recorder.messages()).filteredOn((m) -> !m.contains(AppenderFixture.SUMMARY_MARKER))
				.containsExactlyElementsOf(expected);
			assertThat(fixture.appender.droppedEvents()).isEqualTo(new DroppedEvents(0, 0, 5, 1, 0));
			assertThat(fixture.summaryLines()).singleElement()
				.satisfies((line) -> assertThat(line).startsWith("5 events dropped (TRACE=0, DEBUG=0, INFO=5, WARN=0,"));
			assertThat(fixture.appender.isStarted()).isFalse();
			fixture.context.stop();
		});
	}

	@Test
	void stopCalledByAnAttachedAppenderOnTheReactorAppendsWhatIsQueuedThenStopsTheAppenders() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			AppenderFixture fixture = AppenderFixture.start("stop-on-reactor",
					(a) -> a.setMaxFlushTime(ch.qos.logback.core.util.Duration.buildBySeconds(20)));
			CountDownLatch gate = fixture.holdReactor("hold");
			fixture.recorder.onAppend((event) -> {
				switch (event.getFormattedMessage()) {
					case "hold" -> AppenderFixture.awaitQuietly(gate);
					case "stop" -> fixture.appender.stop(); // an attached appender stopping its parent
					default -> {
					}
				}
			});
			fixture.logger.info("stop");
			for (int i = 0; i < 10; i++) {
				fixture.logger.info("event {}", i);
			}
			gate.countDown();
			await().atMost(Duration.ofSeconds(10)).until(() -> !fixture.recorder.isStarted());

			List<String> expected = new ArrayList<>(List.of("hold", "stop"));
			for (int i = 0; i < 10; i++) {
				expected.add("event " + i);
			}
			assertThat(fixture.recorder.messages()).containsExactlyElementsOf(expected);
			assertThat(fixture.appender.droppedEvents()).isEqualTo(DroppedEvents.NONE);
			assertThat(fixture.appender.isStarted()).isFalse();
			assertThat(fixture.statusMessages(Status.ERROR)).isEmpty();
			assertThat(fixture.recorder.appended()).allSatisfy((a) -> assertThat(AppenderFixture.isReactor(a.thread())).isTrue());
			fixture.context.stop();
		});
	}

}
