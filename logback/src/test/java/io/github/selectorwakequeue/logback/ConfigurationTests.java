package io.github.selectorwakequeue.logback;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.status.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Configuration from {@code logback.xml}: every property, and a clear error for each bad value. */
class ConfigurationTests {

	@Test
	void everyPropertyIsSetFromXmlAndCallerDataIsTakenOnTheCaller() throws JoranException {
		LoggerContext context = configure("""
				<queueSize>500</queueSize>
				<discardingThreshold>50</discardingThreshold>
				<neverDropLevel>error</neverDropLevel>
				<includeCallerData>true</includeCallerData>
				<maxFlushTime>2 seconds</maxFlushTime>
				""", true);
		try {
			SelectorWakeQueueAppender appender = appender(context);
			assertThat(appender.isStarted()).as("started; status %s", statuses(context)).isTrue();
			assertThat(appender.getName()).isEqualTo("ASYNC");
			assertThat(appender.getQueueSize()).isEqualTo(500);
			assertThat(appender.getDiscardingThreshold()).isEqualTo(50);
			assertThat(appender.getNeverDropLevel()).isEqualTo("error");
			assertThat(appender.isIncludeCallerData()).isTrue();
			assertThat(appender.getMaxFlushTime().getMilliseconds()).isEqualTo(2_000);
			assertThat(appender.queueStats().orElseThrow().capacity()).isEqualTo(512);

			context.getLogger("any").info("hello");
			@SuppressWarnings("unchecked")
			ListAppender<ILoggingEvent> list = (ListAppender<ILoggingEvent>) appender.getAppender("LIST");
			await().atMost(Duration.ofSeconds(10)).until(() -> list.list.size() == 1);
			ILoggingEvent event = list.list.get(0);
			assertThat(event.getFormattedMessage()).isEqualTo("hello");
			assertThat(event.getCallerData()[0].getMethodName())
				.isEqualTo("everyPropertyIsSetFromXmlAndCallerDataIsTakenOnTheCaller");
		}
		finally {
			context.stop();
		}
	}

	@Test
	void defaultsMatchTheDocumentation() {
		SelectorWakeQueueAppender appender = new SelectorWakeQueueAppender();
		assertThat(appender.getQueueSize()).isEqualTo(8192);
		assertThat(appender.getDiscardingThreshold()).isEqualTo(-1); // queueSize / 5 at start
		assertThat(appender.getNeverDropLevel()).isEqualTo("WARN");
		assertThat(appender.isIncludeCallerData()).isFalse();
		assertThat(appender.getMaxFlushTime().getMilliseconds()).isEqualTo(5_000);
	}

	@Test
	void aConfigurationWrittenForAsyncAppenderStartsWithoutAWarning() throws JoranException {
		LoggerContext context = configure("""
				<queueSize>500</queueSize>
				<discardingThreshold>20</discardingThreshold>
				<includeCallerData>false</includeCallerData>
				<maxFlushTime>1000</maxFlushTime>
				<neverBlock>false</neverBlock>
				""", true);
		try {
			SelectorWakeQueueAppender appender = appender(context);
			assertThat(appender.isStarted()).as("started; status %s", statuses(context)).isTrue();
			assertThat(statuses(context)).filteredOn((s) -> s.getLevel() >= Status.WARN).isEmpty();
			assertThat(statuses(context)).filteredOn((s) -> s.getLevel() == Status.INFO)
				.extracting(Status::getMessage)
				.contains("SelectorWakeQueueAppender[ASYNC]: neverBlock=false is ignored: this appender never blocks the "
						+ "caller; when its queue is full it drops the event and counts it");
			assertThat(appender.isNeverBlock()).isTrue();
			assertThat(appender.getMaxFlushTime().getMilliseconds()).isEqualTo(1_000);
			assertThat(appender.getDiscardingThreshold()).isEqualTo(20);
		}
		finally {
			context.stop();
		}
	}

	@Test
	void theQueueIsReadThroughAsyncAppendersAccessors() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			SelectorWakeQueueAppender unstarted = new SelectorWakeQueueAppender();
			assertThat(unstarted.getNumberOfElementsInQueue()).isZero();
			assertThat(unstarted.getRemainingCapacity()).isEqualTo(SelectorWakeQueueAppender.DEFAULT_QUEUE_SIZE);
			try (AppenderFixture fixture = AppenderFixture.start("accessors", (a) -> a.setQueueSize(10))) {
				assertThat(fixture.appender.getDiscardingThreshold()).as("queueSize / 5, once started").isEqualTo(2);
				assertThat(fixture.appender.getRemainingCapacity()).isEqualTo(10);
				CountDownLatch gate = fixture.holdReactor("hold");
				for (int i = 0; i < 3; i++) {
					fixture.logger.info("event {}", i);
				}
				assertThat(fixture.appender.getNumberOfElementsInQueue()).isEqualTo(3);
				assertThat(fixture.appender.getRemainingCapacity()).isEqualTo(7);
				gate.countDown();
			}
		});
	}

	@Test
	void maxFlushTimeIsSetInMillisecondsAsOnAsyncAppender() {
		SelectorWakeQueueAppender appender = new SelectorWakeQueueAppender();
		appender.setMaxFlushTime(1_500);
		assertThat(appender.getMaxFlushTime().getMilliseconds()).isEqualTo(1_500);
	}

	@Test
	void anEventThatCannotBePreparedOnTheCallerIsCountedAsDropped() {
		LoggerContext context = new LoggerContext(); // no MDC adapter: preparing an event for later throws
		try {
			ListAppender<ILoggingEvent> list = new ListAppender<>();
			list.setContext(context);
			list.start();
			SelectorWakeQueueAppender appender = new SelectorWakeQueueAppender();
			appender.setContext(context);
			appender.setName("NO_MDC");
			appender.addAppender(list);
			appender.start();
			Logger logger = context.getLogger("test");
			logger.addAppender(appender);

			logger.warn("cannot be prepared");

			assertThat(appender.droppedEvents()).isEqualTo(new DroppedEvents(0, 0, 0, 1, 0));
			assertThat(statuses(context)).filteredOn((s) -> s.getLevel() == Status.ERROR)
				.extracting(Status::getMessage)
				.contains("Appender [NO_MDC] failed to append."); // Logback's own report of the exception
		}
		finally {
			context.stop();
		}
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			<queueSize>0</queueSize>                                        | queueSize must be between 1 and 1073741824, was 0
			<queueSize>10</queueSize><discardingThreshold>10</discardingThreshold> | discardingThreshold must be between 0 and queueSize - 1 (9), was 10
			<discardingThreshold>-2</discardingThreshold>                   | discardingThreshold must be between 0 and queueSize - 1 (8191), was -2
			<neverDropLevel>LOUD</neverDropLevel>                           | neverDropLevel must be TRACE, DEBUG, INFO, WARN or ERROR, was 'LOUD'
			<neverDropLevel>OFF</neverDropLevel>                            | neverDropLevel must be TRACE, DEBUG, INFO, WARN or ERROR, was 'OFF'
			""")
	void aBadValueIsReportedByNameAndTheAppenderStaysStopped(String properties, String error) throws JoranException {
		LoggerContext context = configure(properties, true);
		try {
			assertThat(appender(context).isStarted()).isFalse();
			assertThat(statuses(context)).filteredOn((s) -> s.getLevel() == Status.ERROR)
				.extracting(Status::getMessage)
				.contains("SelectorWakeQueueAppender[ASYNC]: " + error + "; the appender is not started");
		}
		finally {
			context.stop();
		}
	}

	@Test
	void anAppenderWithNothingAttachedSaysSo() throws JoranException {
		LoggerContext context = configure("", false);
		try {
			assertThat(appender(context).isStarted()).isFalse();
			assertThat(statuses(context)).extracting(Status::getMessage)
				.contains("SelectorWakeQueueAppender[ASYNC]: no appender attached; add an <appender-ref ref=\"...\"/>; "
						+ "the appender is not started");
		}
		finally {
			context.stop();
		}
	}

	private static LoggerContext configure(String properties, boolean attach) throws JoranException {
		String xml = """
				<configuration>
				  <appender name="LIST" class="ch.qos.logback.core.read.ListAppender"/>
				  <appender name="ASYNC" class="io.github.selectorwakequeue.logback.SelectorWakeQueueAppender">
				    %s
				    %s
				  </appender>
				  <root level="INFO"><appender-ref ref="ASYNC"/></root>
				</configuration>
				""".formatted(properties, attach ? "<appender-ref ref=\"LIST\"/>" : "");
		LoggerContext context = new LoggerContext();
		context.setMDCAdapter(new LogbackMDCAdapter());
		JoranConfigurator configurator = new JoranConfigurator();
		configurator.setContext(context);
		configurator.doConfigure(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
		return context;
	}

	private static SelectorWakeQueueAppender appender(LoggerContext context) {
		Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
		return (SelectorWakeQueueAppender) root.getAppender("ASYNC");
	}

	private static List<Status> statuses(LoggerContext context) {
		return context.getStatusManager().getCopyOfStatusList();
	}

}
