package io.github.selectorwakequeue.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.selectorwakequeue.logback.SelectorWakeQueueAppender;
import io.github.selectorwakequeue.spring.actuate.SelectorWakeQueueEndpoint;
import io.github.selectorwakequeue.spring.logback.LogbackAppenderQueues;
import io.github.selectorwakequeue.spring.logback.SelectorWakeQueueAppenderMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SelectorWakeQueueLogbackAutoConfiguration}: when the binder exists, and that Boot binds
 * the appenders of the Logback configuration in use.
 */
class SelectorWakeQueueLogbackAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SelectorWakeQueueLogbackAutoConfiguration.class));

	@Test
	void bindsWithAMeterRegistryAndTheAppenderOnTheClasspath() {
		this.runner.withUserConfiguration(RegistryConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(SelectorWakeQueueAppenderMetrics.class));
	}

	@Test
	void backsOffWithoutAMeterRegistry() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(SelectorWakeQueueAppenderMetrics.class));
	}

	@Test
	void backsOffWithoutTheAppenderModule() {
		this.runner.withUserConfiguration(RegistryConfiguration.class)
			.withClassLoader(new FilteredClassLoader(SelectorWakeQueueAppender.class))
			.run((context) -> assertThat(context).doesNotHaveBean(SelectorWakeQueueAppenderMetrics.class));
	}

	@Test
	void backsOffForAUsersBinder() {
		this.runner.withUserConfiguration(RegistryConfiguration.class, UserBinderConfiguration.class)
			.run((context) -> assertThat(context).getBean(SelectorWakeQueueAppenderMetrics.class)
				.isSameAs(context.getBean(UserBinderConfiguration.class).binder));
	}

	@Test
	void bootBindsTheAppendersOfTheLogbackConfigurationInUse() {
		SelectorWakeQueueAppender appender = startedAppender("AUTO_LOGS", SelectorWakeQueueAppender.DEFAULT_QUEUE_SIZE);
		Logger logger = logback().getLogger("selector-wake-queue.logback-metrics-test");
		logger.addAppender(appender);
		try {
			this.runner
				.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
						SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class))
				.run((context) -> {
					MeterRegistry registry = context.getBean(MeterRegistry.class);
					assertThat(registry.get("wakequeue.log.dropped").tags("name", "AUTO_LOGS", "level", "warn")
						.functionCounter()
						.count()).isZero();
					assertThat(registry.get("wakequeue.capacity").tag("name", "AUTO_LOGS").gauge().value())
						.isEqualTo(SelectorWakeQueueAppender.DEFAULT_QUEUE_SIZE);
				});
		}
		finally {
			logger.detachAppender(appender);
			appender.stop();
		}
	}

	@Test
	void aPrometheusScrapeShowsForTheAppenderExactlyTheSeriesReadmeLists() throws IOException {
		SelectorWakeQueueAppender appender = startedAppender("SCRAPED_LOGS", 64);
		Logger logger = logback().getLogger("selector-wake-queue.logback-prometheus-test");
		logger.addAppender(appender);
		try {
			this.runner
				.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
						PrometheusMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class))
				.run((context) -> {
					String scrape = context.getBean(PrometheusMeterRegistry.class).scrape();
					List<String> series = scrape.lines()
						.filter((line) -> line.contains("name=\"SCRAPED_LOGS\""))
						.toList();
					assertThat(series.stream().map((line) -> line.substring(0, line.indexOf('{'))).distinct())
						.containsExactlyInAnyOrderElementsOf(readmeAppenderSeries());
					assertThat(series).filteredOn((line) -> line.startsWith("wakequeue_log_dropped_events_total"))
						.extracting((line) -> line.replaceAll(".*level=\"(\\w+)\".*", "$1"))
						.containsExactlyInAnyOrder("trace", "debug", "info", "warn", "error");
				});
		}
		finally {
			logger.detachAppender(appender);
			appender.stop();
		}
	}

	/** The series names of README's table of what the Prometheus scrape shows for an appender. */
	private static List<String> readmeAppenderSeries() throws IOException {
		String readme = Files.readString(Path.of("..", "README.md"));
		String section = readme.substring(readme.indexOf("## Logging through the queue (Logback)"));
		Matcher table = Pattern.compile("\\| Prometheus series for an appender[^\\n]*\\n\\|[-|]+\\n((?:\\|[^\\n]*\\n)+)")
			.matcher(section);
		assertThat(table.find()).as("README's table of the appender's Prometheus series").isTrue();
		return table.group(1)
			.lines()
			.map((row) -> row.replaceAll("^\\| `([a-z_]+)[^`]*`.*", "$1"))
			.toList();
	}

	@Test
	void theEndpointShowsEachAppendersQueueWithItsDropsAndSettings() {
		SelectorWakeQueueAppender appender = startedAppender("ENDPOINT_LOGS", 1024);
		Logger logger = logback().getLogger("selector-wake-queue.logback-endpoint-test");
		logger.addAppender(appender);
		try {
			this.runner.withConfiguration(AutoConfigurations.of(SelectorWakeQueueAutoConfiguration.class,
					SelectorWakeQueueEndpointAutoConfiguration.class))
				.withPropertyValues("management.endpoints.web.exposure.include=wakequeue")
				.run((context) -> {
					assertThat(context).hasSingleBean(LogbackAppenderQueues.class)
						.doesNotHaveBean(SelectorWakeQueueAppenderMetrics.class);
					SelectorWakeQueueEndpoint.QueueDescriptor body = context.getBean(SelectorWakeQueueEndpoint.class)
						.describe();
					assertThat(body.relatedQueues()).singleElement().satisfies((queue) -> {
						assertThat(queue.kind()).isEqualTo("logback-appender");
						assertThat(queue.name()).isEqualTo("ENDPOINT_LOGS");
						assertThat(queue.running()).isTrue();
						assertThat(queue.capacity()).isEqualTo(1024);
						assertThat(queue.details()).containsEntry("queueSize", 1024)
							.containsEntry("discardingThreshold", 1024 / 5)
							.containsEntry("neverDropLevel", "WARN")
							.containsKey("dropped");
					});
				});
		}
		finally {
			logger.detachAppender(appender);
			appender.stop();
		}
	}

	/** A started appender of the Logback context in use, appending to a list. */
	private static SelectorWakeQueueAppender startedAppender(String name, int queueSize) {
		ListAppender<ILoggingEvent> list = new ListAppender<>();
		list.setContext(logback());
		list.start();
		SelectorWakeQueueAppender appender = new SelectorWakeQueueAppender();
		appender.setContext(logback());
		appender.setName(name);
		appender.setQueueSize(queueSize);
		appender.addAppender(list);
		appender.start();
		return appender;
	}

	private static LoggerContext logback() {
		return (LoggerContext) LoggerFactory.getILoggerFactory();
	}

	@Configuration(proxyBeanMethods = false)
	static class RegistryConfiguration {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserBinderConfiguration {

		final SelectorWakeQueueAppenderMetrics binder = new SelectorWakeQueueAppenderMetrics(new LoggerContext());

		@Bean
		SelectorWakeQueueAppenderMetrics userBinder() {
			return this.binder;
		}

	}

}
