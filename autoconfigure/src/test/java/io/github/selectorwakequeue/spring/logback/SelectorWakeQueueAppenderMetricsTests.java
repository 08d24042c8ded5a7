package io.github.selectorwakequeue.spring.logback;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import io.github.selectorwakequeue.logback.SelectorWakeQueueAppender;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Tests for {@link SelectorWakeQueueAppenderMetrics} and {@link LogbackAppenders}: which appenders are bound,
 * and that the meters read their counters.
 */
class SelectorWakeQueueAppenderMetricsTests {

	private final LoggerContext context = new LoggerContext();

	private final MeterRegistry registry = new SimpleMeterRegistry();

	@AfterEach
	void stop() {
		this.context.stop();
	}

	@Test
	void findsEachStartedAppenderOnceWhereverItIsAttached() {
		this.context.setMDCAdapter(new LogbackMDCAdapter());
		SelectorWakeQueueAppender onRoot = appender("ON_ROOT", new Sink());
		SelectorWakeQueueAppender nested = appender("NESTED", new Sink());
		AsyncAppender async = new AsyncAppender();
		async.setContext(this.context);
		async.setName("ASYNC");
		async.addAppender(nested);
		async.start();
		SelectorWakeQueueAppender stopped = new SelectorWakeQueueAppender();
		stopped.setName("STOPPED");
		Logger root = this.context.getLogger(Logger.ROOT_LOGGER_NAME);
		root.addAppender(onRoot);
		root.addAppender(async);
		root.addAppender(stopped);
		this.context.getLogger("other").addAppender(onRoot);

		assertThat(LogbackAppenders.started(this.context)).containsExactly(onRoot, nested);
	}

	@Test
	void bindsTheQueueMetersAndTheDropsPerLevelUnderTheAppendersName() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			this.context.setMDCAdapter(new LogbackMDCAdapter());
			Sink sink = new Sink();
			// 3 slots; INFO is dropped once fewer than 2 are free
			SelectorWakeQueueAppender appender = appender("LOGS", sink, 3, 2);
			Logger logger = this.context.getLogger("test");
			logger.addAppender(appender);
			new SelectorWakeQueueAppenderMetrics(this.context).bindTo(this.registry);

			logger.error("hold"); // the sink holds the reactor on it
			assertThat(sink.holding.await(10, TimeUnit.SECONDS)).isTrue();
			logger.info("queued 1");
			logger.info("queued 2");
			logger.info("dropped 1");
			logger.warn("queued 3");
			logger.warn("dropped 2");
			assertThat(dropped("info")).isEqualTo(1);
			assertThat(dropped("warn")).isEqualTo(1);
			assertThat(dropped("error")).isZero();
			assertThat(this.registry.get("wakequeue.depth").tag("name", "LOGS").gauge().value()).isEqualTo(3);
			assertThat(this.registry.get("wakequeue.capacity").tag("name", "LOGS").gauge().value()).isEqualTo(4);
			sink.release.countDown();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> this.registry.get("wakequeue.tasks").tags("name", "LOGS", "outcome", "dispatched")
					.functionCounter()
					.count() == 4);
			assertThat(this.registry.find("wakequeue.log.dropped").tag("name", "LOGS").functionCounters()).hasSize(5);
		});
	}

	private double dropped(String level) {
		return this.registry.get("wakequeue.log.dropped").tags("name", "LOGS", "level", level).functionCounter().count();
	}

	private SelectorWakeQueueAppender appender(String name, Sink sink) {
		return appender(name, sink, SelectorWakeQueueAppender.DEFAULT_QUEUE_SIZE, -1);
	}

	private SelectorWakeQueueAppender appender(String name, Sink sink, int queueSize, int discardingThreshold) {
		sink.setContext(this.context);
		sink.start();
		SelectorWakeQueueAppender appender = new SelectorWakeQueueAppender();
		appender.setContext(this.context);
		appender.setName(name);
		appender.setQueueSize(queueSize);
		appender.setDiscardingThreshold(discardingThreshold);
		appender.addAppender(sink);
		appender.start();
		assertThat(appender.isStarted()).isTrue();
		return appender;
	}

	/** Holds the reactor on an event whose message is {@code hold} until released. */
	private static final class Sink extends UnsynchronizedAppenderBase<ILoggingEvent> {

		final CountDownLatch holding = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@Override
		protected void append(ILoggingEvent event) {
			if ("hold".equals(event.getFormattedMessage())) {
				this.holding.countDown();
				try {
					this.release.await(20, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}

	}

}
