package io.github.selectorwakequeue.logback;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.status.Status;
import io.github.selectorwakequeue.Stats;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@code stop()}: it flushes what is queued within {@code maxFlushTime}; what it cannot flush is counted and
 * reported, and the attached appenders are never stopped under a reactor that is still inside them. An attached
 * appender that throws an {@link Error} (LOGBACK-1354, logback#610: it killed {@code AsyncAppender}'s worker and
 * left callers blocked) costs that one append, nothing more; a stopped appender starts again with a new reactor.
 */
class StopTests {

	@Test
	void stopFlushesOneHundredThousandQueuedEvents() {
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			AppenderFixture fixture = AppenderFixture.start("stop-flush", (a) -> {
				a.setQueueSize(131_072);
				a.setDiscardingThreshold(0);
				a.setMaxFlushTime(ch.qos.logback.core.util.Duration.buildBySeconds(30));
			});
			int events = 100_000;
			CountDownLatch gate = fixture.holdReactor("hold");
			for (int i = 0; i < events; i++) {
				fixture.logger.info("event {}", i);
			}
			assertThat(fixture.appender.queueStats().orElseThrow().size()).isEqualTo(events);
			gate.countDown();
			fixture.appender.stop();

			assertThat(fixture.recorder.count()).isEqualTo(1 + events);
			assertThat(fixture.recorder.messages().get(events)).isEqualTo("event " + (events - 1));
			assertThat(fixture.appender.droppedEvents()).isEqualTo(DroppedEvents.NONE);
			assertThat(fixture.statusMessages(Status.ERROR)).isEmpty();
			assertThat(fixture.recorder.isStarted()).as("attached appender stopped").isFalse();
			assertThat(fixture.appender.queueStats().orElseThrow().closed()).isTrue();
			fixture.context.stop();
		});
	}

	@Test
	void whatStopCannotFlushIsCountedAndReportedAndTheAppenderIsStoppedOnlyOnceTheReactorLeavesIt() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			AppenderFixture fixture = AppenderFixture.start("stop-stuck", (a) -> {
				a.setQueueSize(64);
				a.setMaxFlushTime(ch.qos.logback.core.util.Duration.buildByMilliseconds(200));
			});
			CountDownLatch gate = fixture.holdReactor("hold");
			for (int i = 0; i < 10; i++) {
				fixture.logger.info("event {}", i);
			}
			fixture.appender.stop(); // the reactor is stuck in the attached appender: returns after maxFlushTime

			assertThat(fixture.appender.droppedEvents()).isEqualTo(new DroppedEvents(0, 0, 10, 0, 0));
			assertThat(fixture.statusMessages(Status.ERROR)).singleElement()
				.isEqualTo("SelectorWakeQueueAppender[stop-stuck] stopped with 10 queued events not appended within "
						+ "maxFlushTime=200 milliseconds (TRACE=0, DEBUG=0, INFO=10, WARN=0, ERROR=0); they are counted as dropped");
			assertThat(fixture.recorder.isStarted()).as("not stopped under the reactor").isTrue();

			gate.countDown();
			await().atMost(Duration.ofSeconds(10)).until(() -> !fixture.recorder.isStarted());
			assertThat(fixture.recorder.messages()).containsExactly("hold",
					fixture.summaryLines().get(0)); // none of the 10 ran later; the final line reports them
			assertThat(fixture.summaryLines()).singleElement()
				.satisfies((line) -> assertThat(line).startsWith("10 events dropped (TRACE=0, DEBUG=0, INFO=10, WARN=0, ERROR=0)"));
			fixture.context.stop();
		});
	}

	@Test
	void anInterruptedCallersStopFlushesForItsFullTimeAndKeepsItsFlag() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			AppenderFixture fixture = AppenderFixture.start("stop-interrupted",
					(a) -> a.setMaxFlushTime(ch.qos.logback.core.util.Duration.buildBySeconds(20)));
			CountDownLatch gate = fixture.holdReactor("hold");
			for (int i = 0; i < 40; i++) {
				fixture.logger.info("event {}", i);
			}
			// stop() waits for the reactor to flush: the flag must not cut that short
			boolean flagAfterStop = fixture.stopWhileHeld(gate, true, () -> {
			});

			assertThat(fixture.recorder.messages()).hasSize(41).endsWith("event 39");
			assertThat(fixture.appender.droppedEvents()).isEqualTo(DroppedEvents.NONE);
			assertThat(flagAfterStop).as("the caller's interrupt flag, restored").isTrue();
			assertThat(fixture.recorder.isStarted()).isFalse();
			fixture.context.stop();
		});
	}

	@Test
	void maxFlushTimeZeroWaitsUntilEverythingQueuedIsAppendedAsOnAsyncAppender() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			AppenderFixture fixture = AppenderFixture.start("stop-zero",
					(a) -> a.setMaxFlushTime(ch.qos.logback.core.util.Duration.buildByMilliseconds(0)));
			CountDownLatch gate = fixture.holdReactor("hold");
			for (int i = 0; i < 40; i++) {
				fixture.logger.info("event {}", i);
			}
			fixture.stopWhileHeld(gate, false, () -> {
			});

			assertThat(fixture.recorder.messages()).hasSize(41).endsWith("event 39");
			assertThat(fixture.appender.droppedEvents()).isEqualTo(DroppedEvents.NONE);
			assertThat(fixture.statusMessages(Status.ERROR)).isEmpty();
			fixture.context.stop();
		});
	}

	@Test
	void theLastSummaryLineAtStopComesASecondAfterThePreviousOneWhenMaxFlushTimeAllows() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			AppenderFixture fixture = AppenderFixture.start("stop-spacing", (a) -> {
				a.setQueueSize(4);
				a.setDiscardingThreshold(0);
			});
			dropTwiceWithinASecond(fixture);
			fixture.appender.stop();

			List<ILoggingEvent> summaries = fixture.summaryEvents();
			assertThat(summaries).hasSize(2);
			assertThat(summaries.get(1).getFormattedMessage()).startsWith("6 events dropped (TRACE=0, DEBUG=0, INFO=6,");
			assertThat(summaries.get(1).getTimeStamp() - summaries.get(0).getTimeStamp())
				.as("milliseconds between the two summary lines")
				.isGreaterThanOrEqualTo(DropReport.INTERVAL.toMillis());
			fixture.context.stop();
		});
	}

	@Test
	void theLastSummaryLineIsWrittenAtOnceWhenMaxFlushTimeIsShorterThanTheWait() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			AppenderFixture fixture = AppenderFixture.start("stop-short", (a) -> {
				a.setQueueSize(4);
				a.setDiscardingThreshold(0);
				a.setMaxFlushTime(ch.qos.logback.core.util.Duration.buildByMilliseconds(100));
			});
			dropTwiceWithinASecond(fixture);
			long before = System.nanoTime();
			fixture.appender.stop();

			assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(DropReport.INTERVAL);
			assertThat(fixture.summaryLines()).hasSize(2)
				.last()
				.satisfies((line) -> assertThat(line).startsWith("6 events dropped (TRACE=0, DEBUG=0, INFO=6,"));
			assertThat(fixture.appender.droppedEvents()).isEqualTo(new DroppedEvents(0, 0, 12, 0, 0));
			fixture.context.stop();
		});
	}

	/**
	 * With 4 slots and no threshold: 6 INFO events dropped and their summary line appended, then 6 more dropped,
	 * whose line is not due for a second.
	 */
	private static void dropTwiceWithinASecond(AppenderFixture fixture) {
		CountDownLatch first = fixture.holdReactor("hold-1");
		FullQueueTests.logMany(fixture, Level.INFO, 10);
		first.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> fixture.summaryLines().size() == 1);
		CountDownLatch second = fixture.holdReactor("hold-2");
		FullQueueTests.logMany(fixture, Level.INFO, 10);
		second.countDown();
	}

	@Test
	void anAppenderThrowingAnErrorCostsOneAppendAndTheReactorGoesOn() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			try (AppenderFixture fixture = AppenderFixture.start("error")) {
				Appender<ILoggingEvent> throwing = new UnsynchronizedAppenderBase<>() {
					@Override
					protected void append(ILoggingEvent event) {
						if ("boom".equals(event.getFormattedMessage())) {
							throw new StackOverflowError("thrown by the first attached appender");
						}
					}
				};
				throwing.setName("throwing");
				throwing.setContext(fixture.context);
				throwing.start();
				// the recorder must come after the throwing appender: detach and re-attach it
				fixture.appender.detachAppender(fixture.recorder);
				fixture.appender.addAppender(throwing);
				fixture.appender.addAppender(fixture.recorder);

				fixture.logger.info("before");
				fixture.logger.info("boom");
				fixture.logger.info("after");
				fixture.awaitAppended(3, Duration.ofSeconds(10));

				assertThat(fixture.recorder.messages()).containsExactly("before", "boom", "after");
				assertThat(fixture.statusMessages(Status.ERROR)).singleElement()
					.satisfies((m) -> assertThat(m).startsWith("Appender [throwing] threw java.lang.StackOverflowError"));
				Stats stats = fixture.appender.queueStats().orElseThrow();
				assertThat(stats.running()).isTrue();
				assertThat(stats.failed()).isZero();
			}
		});
	}

	@Test
	void aStoppedAppenderStartsAgainWithANewReactor() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			AppenderFixture fixture = AppenderFixture.start("restart");
			fixture.logger.info("first run");
			fixture.awaitAppended(1, Duration.ofSeconds(10));
			Thread firstReactor = fixture.recorder.appended().get(0).thread();
			fixture.appender.stop();
			assertThat(fixture.appender.iteratorForAppenders()).as("stop detaches, as AsyncAppender does").isExhausted();

			RecordingAppender second = new RecordingAppender();
			second.setContext(fixture.context);
			second.start();
			fixture.appender.addAppender(second);
			fixture.appender.start();
			fixture.logger.info("second run");
			await().atMost(Duration.ofSeconds(10)).until(() -> second.count() == 1);

			assertThat(second.messages()).containsExactly("second run");
			assertThat(second.appended().get(0).thread()).isNotSameAs(firstReactor)
				.satisfies((t) -> assertThat(AppenderFixture.isReactor(t)).isTrue());
			assertThat(firstReactor.isAlive()).isFalse();
			fixture.close();
		});
	}

}
