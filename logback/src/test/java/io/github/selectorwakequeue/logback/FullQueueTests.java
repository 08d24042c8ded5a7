package io.github.selectorwakequeue.logback;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A full queue: the reactor is held inside the attached appender while one thread logs. Drops are counted
 * exactly per level, events below {@code neverDropLevel} are dropped once fewer than {@code discardingThreshold}
 * slots are free ({@code AsyncAppender}'s rule), and summary lines follow, at least a second apart.
 */
class FullQueueTests {

	@Test
	void dropsAreCountedPerLevelAndTheReservedSlotsGoToWarnAndError() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			// 100 slots; TRACE to INFO dropped once fewer than 20 are free (the ring itself has 128)
			try (AppenderFixture fixture = AppenderFixture.start("full", (a) -> {
				a.setQueueSize(100);
				a.setDiscardingThreshold(20);
			})) {
				CountDownLatch gate = fixture.holdReactor("hold");
				logMany(fixture, Level.TRACE, 50); // all 50 queued: 50 waiting
				logMany(fixture, Level.DEBUG, 50); // 31 queued (81 waiting: 19 free), 19 dropped
				logMany(fixture, Level.INFO, 50); // 50 dropped
				logMany(fixture, Level.WARN, 30); // 19 queued into the last slots (100 waiting), 11 dropped
				logMany(fixture, Level.ERROR, 5); // 5 dropped: the whole queue is full

				assertThat(fixture.appender.droppedEvents()).isEqualTo(new DroppedEvents(0, 19, 50, 11, 5));
				assertThat(fixture.appender.queueStats().orElseThrow().size()).isEqualTo(100);
				gate.countDown();
				fixture.awaitAppended(1 + 100 + 1, Duration.ofSeconds(20)); // hold + queued + summary

				List<ILoggingEvent> events = fixture.recorder.appended().stream().map(RecordingAppender.Appended::event).toList();
				List<String> queued = events.stream()
					.filter((e) -> !AppenderFixture.isSummary(e) && !e.getFormattedMessage().equals("hold"))
					.map((e) -> e.getLevel() + " " + e.getFormattedMessage())
					.toList();
				assertThat(queued).containsExactlyElementsOf(expectedQueued());
				assertThat(fixture.summaryLines()).singleElement()
					.satisfies((line) -> assertThat(line).startsWith(
							"85 events dropped (TRACE=0, DEBUG=19, INFO=50, WARN=11, ERROR=5) since ")
						.endsWith(" by appender [full]"));
				ILoggingEvent summary = events.stream().filter(AppenderFixture::isSummary).findFirst().orElseThrow();
				assertThat(summary.getLevel()).isEqualTo(Level.WARN);
				assertThat(summary.getLoggerName()).isEqualTo(SelectorWakeQueueAppender.class.getName());
				assertThat(fixture.recorder.appended()).allSatisfy((a) -> assertThat(AppenderFixture.isReactor(a.thread())).isTrue());
			}
		});
	}

	@Test
	void aLaterBurstOfDropsIsSummarisedAgainAtMostOncePerInterval() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			try (AppenderFixture fixture = AppenderFixture.start("rate", (a) -> {
				a.setQueueSize(10);
				a.setDiscardingThreshold(0);
			})) {
				CountDownLatch first = fixture.holdReactor("hold-1");
				logMany(fixture, Level.INFO, 13); // 10 queued, 3 dropped
				first.countDown();
				fixture.awaitAppended(1 + 10 + 1, Duration.ofSeconds(10));
				CountDownLatch second = fixture.holdReactor("hold-2");
				logMany(fixture, Level.INFO, 14); // 10 queued, 4 dropped
				second.countDown();
				fixture.awaitAppended(12 + 1 + 10 + 1, Duration.ofSeconds(10));

				List<ILoggingEvent> summaries = fixture.summaryEvents();
				assertThat(summaries).extracting(ILoggingEvent::getFormattedMessage)
					.satisfiesExactly((line) -> assertThat(line).startsWith("3 events dropped (TRACE=0, DEBUG=0, INFO=3,"),
							(line) -> assertThat(line).startsWith("4 events dropped (TRACE=0, DEBUG=0, INFO=4,"));
				assertThat(summaries.get(1).getTimeStamp() - summaries.get(0).getTimeStamp())
					.as("milliseconds between the two summary lines")
					.isGreaterThanOrEqualTo(DropReport.INTERVAL.toMillis());
				assertThat(fixture.appender.droppedEvents()).isEqualTo(new DroppedEvents(0, 0, 7, 0, 0));
			}
		});
	}

	@Test
	void tenSlotsWithAThresholdOfTwoAdmitNineInfoEventsAsAsyncAppenderDoes() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			try (AppenderFixture fixture = AppenderFixture.start("threshold", (a) -> {
				a.setQueueSize(10);
				a.setDiscardingThreshold(2);
			})) {
				CountDownLatch gate = fixture.holdReactor("hold");
				logMany(fixture, Level.INFO, 12); // dropped once fewer than 2 slots are free: 9 queued
				logMany(fixture, Level.WARN, 2); // 1 into the last slot, 1 dropped

				assertThat(fixture.appender.queueStats().orElseThrow().size()).isEqualTo(10);
				assertThat(fixture.appender.droppedEvents()).isEqualTo(new DroppedEvents(0, 0, 3, 1, 0));
				gate.countDown();
			}
		});
	}

	@Test
	void aDropWhileASummaryLineIsBeingAppendedWaitsAFullSecondForTheNextLine() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			try (AppenderFixture fixture = AppenderFixture.start("rearm", (a) -> {
				a.setQueueSize(4);
				a.setDiscardingThreshold(0);
			})) {
				CountDownLatch gate = fixture.holdReactor("hold");
				AtomicBoolean first = new AtomicBoolean(true);
				fixture.recorder.onAppend((event) -> {
					if ("hold".equals(event.getFormattedMessage())) {
						AppenderFixture.awaitQuietly(gate);
					}
					else if (AppenderFixture.isSummary(event) && first.getAndSet(false)) {
						// while the first line is being appended, another thread floods the queue
						AppenderFixture.join(AppenderFixture.startDaemon("dropper", () -> logMany(fixture, Level.INFO, 10)));
					}
				});
				logMany(fixture, Level.INFO, 10); // 4 queued, 6 dropped: the first line is due at once
				gate.countDown();
				await().atMost(Duration.ofSeconds(10)).until(() -> fixture.summaryLines().size() == 2);

				List<ILoggingEvent> summaries = fixture.summaryEvents();
				assertThat(summaries.get(1).getTimeStamp() - summaries.get(0).getTimeStamp())
					.as("milliseconds between the two summary lines")
					.isGreaterThanOrEqualTo(DropReport.INTERVAL.toMillis());
			}
		});
	}

	static void logMany(AppenderFixture fixture, Level level, int count) {
		for (int i = 0; i < count; i++) {
			switch (level.toInt()) {
				case Level.TRACE_INT -> fixture.logger.trace("{} {}", level, i);
				case Level.DEBUG_INT -> fixture.logger.debug("{} {}", level, i);
				case Level.INFO_INT -> fixture.logger.info("{} {}", level, i);
				case Level.WARN_INT -> fixture.logger.warn("{} {}", level, i);
				default -> fixture.logger.error("{} {}", level, i);
			}
		}
	}

	private static List<String> expectedQueued() {
		List<String> expected = new ArrayList<>();
		IntStream.range(0, 50).forEach((i) -> expected.add("TRACE TRACE " + i));
		IntStream.range(0, 31).forEach((i) -> expected.add("DEBUG DEBUG " + i));
		IntStream.range(0, 19).forEach((i) -> expected.add("WARN WARN " + i));
		return expected;
	}

}
