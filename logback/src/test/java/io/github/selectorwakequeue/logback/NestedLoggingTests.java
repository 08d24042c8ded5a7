package io.github.selectorwakequeue.logback;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ch.qos.logback.classic.Logger;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * An attached appender that logs on every append, through a logger that leads back into the same appender
 * (logback#788: {@code AsyncAppender}'s worker then waits for space in its own full queue, for ever). Here the
 * event it logs is appended right after the one being appended, on the reactor, once; what that nested append
 * logs in turn is dropped and counted, so nothing recurses or loops without bound.
 */
class NestedLoggingTests {

	private static final Pattern DEBUG_COUNT = Pattern.compile("DEBUG=(\\d+)");

	@Test
	void eachNestedEventIsAppendedOnceRightAfterTheEventDuringWhichItWasLogged() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			try (AppenderFixture fixture = AppenderFixture.start("nested")) {
				Logger nested = fixture.context.getLogger("test.nested"); // additive: back into our appender
				fixture.recorder.onAppend((event) -> {
					if (!AppenderFixture.isSummary(event)) {
						nested.debug("nested of {}", event.getFormattedMessage());
					}
				});
				int events = 1_000;
				for (int i = 0; i < events; i++) {
					fixture.logger.info("e{}", i);
				}
				// every nested event's own nested event is dropped, and reported in summary lines
				await().atMost(Duration.ofSeconds(20))
					.until(() -> reportedDebugDrops(fixture) == events && nonSummary(fixture).size() == 2 * events);

				List<String> expected = new ArrayList<>();
				for (int i = 0; i < events; i++) {
					expected.add("e" + i);
					expected.add("nested of e" + i);
				}
				assertThat(nonSummary(fixture)).containsExactlyElementsOf(expected);
				assertThat(fixture.appender.droppedEvents()).isEqualTo(new DroppedEvents(0, events, 0, 0, 0));
				assertThat(fixture.recorder.appended()).allSatisfy((a) -> assertThat(AppenderFixture.isReactor(a.thread())).isTrue());
				assertThat(fixture.appender.queueStats().orElseThrow().enqueued()).as("nested events never queued").isEqualTo(events);
			}
		});
	}

	@Test
	void theReactorLoggingIntoItsOwnFullQueueNeitherDeadlocksNorLosesCount() {
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			try (AppenderFixture fixture = AppenderFixture.start("nested-full", (a) -> {
				a.setQueueSize(8);
				a.setDiscardingThreshold(0);
			})) {
				Logger nested = fixture.context.getLogger("test.nested");
				fixture.recorder.onAppend((event) -> {
					if (!AppenderFixture.isSummary(event)) {
						nested.debug("nested of {}", event.getFormattedMessage());
					}
				});
				int producers = 4;
				int perProducer = 5_000;
				CountDownLatch go = new CountDownLatch(1);
				List<Thread> threads = new ArrayList<>();
				for (int p = 0; p < producers; p++) {
					int producer = p;
					threads.add(AppenderFixture.startDaemon("producer-" + p, () -> {
						AppenderFixture.awaitQuietly(go);
						for (int i = 0; i < perProducer; i++) {
							fixture.logger.info("p{}-{}", producer, i);
						}
					}));
				}
				go.countDown();
				threads.forEach(AppenderFixture::join);

				// conservation: every logged event was appended or counted as dropped; every appended one had its
				// nested event appended once, whose own nested event was dropped
				await().atMost(Duration.ofSeconds(30)).until(() -> {
					List<String> appended = nonSummary(fixture);
					long top = appended.stream().filter((m) -> m.startsWith("p")).count();
					DroppedEvents dropped = fixture.appender.droppedEvents();
					return top + dropped.info() == (long) producers * perProducer && dropped.debug() == top
							&& appended.size() == 2 * top;
				});
				List<String> appended = nonSummary(fixture);
				for (int i = 0; i < appended.size(); i += 2) {
					assertThat(appended.get(i + 1)).isEqualTo("nested of " + appended.get(i));
				}
				assertThat(fixture.appender.droppedEvents().info()).as("the queue was full").isPositive();
				assertThat(fixture.appender.queueStats().orElseThrow().callerRuns()).isZero();
			}
		});
	}

	@Test
	void anAppenderThatLogsAboutEverySummaryLineDoesNotMakeASummaryLinePerSecond() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			AppenderFixture fixture = AppenderFixture.start("summary-loop", (a) -> {
				a.setQueueSize(4);
				a.setDiscardingThreshold(0);
			});
			try {
				Logger nested = fixture.context.getLogger("test.nested");
				CountDownLatch gate = fixture.holdReactor("hold");
				fixture.recorder.onAppend((event) -> {
					if ("hold".equals(event.getFormattedMessage())) {
						AppenderFixture.awaitQuietly(gate);
					}
					else if (event.getFormattedMessage().contains("summary") || AppenderFixture.isSummary(event)) {
						nested.debug("about the summary line"); // and, nested, about that one: dropped
					}
				});
				for (int i = 0; i < 10; i++) {
					fixture.logger.info("e{}", i); // 4 queued, 6 dropped
				}
				gate.countDown();
				await().atMost(Duration.ofSeconds(10)).until(() -> fixture.summaryLines().size() == 1);
				// the nested drop while appending that line is counted, and does not ask for another line
				await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(5))
					.until(() -> fixture.summaryLines().size() == 1);
				assertThat(fixture.summaryLines().get(0)).startsWith("6 events dropped (TRACE=0, DEBUG=0, INFO=6,");
				assertThat(fixture.appender.droppedEvents()).isEqualTo(new DroppedEvents(0, 1, 6, 0, 0));
			}
			finally {
				fixture.close();
			}
			// ... and stop reports it in the final line
			assertThat(fixture.summaryLines()).hasSize(2)
				.last()
				.satisfies((line) -> assertThat(line).startsWith("1 events dropped (TRACE=0, DEBUG=1, INFO=0,"));
		});
	}

	private static List<String> nonSummary(AppenderFixture fixture) {
		return fixture.recorder.messages().stream().filter((m) -> !m.contains(AppenderFixture.SUMMARY_MARKER)).toList();
	}

	private static long reportedDebugDrops(AppenderFixture fixture) {
		long sum = 0;
		for (String line : fixture.summaryLines()) {
			Matcher matcher = DEBUG_COUNT.matcher(line);
			assertThat(matcher.find()).isTrue();
			sum += Long.parseLong(matcher.group(1));
		}
		return sum;
	}

}
