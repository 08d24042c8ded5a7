package io.github.selectorwakequeue.autoconfigure;

import java.time.Duration;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.spring.metrics.TaskTimingsRelay;
import io.github.selectorwakequeue.spring.event.EventRoutingStatus;
import io.github.selectorwakequeue.spring.metrics.SelectorWakeQueueMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Tests for {@link SelectorWakeQueueMetricsAutoConfiguration}: when the binder exists, and what it binds.
 */
class SelectorWakeQueueMetricsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SelectorWakeQueueMetricsAutoConfiguration.class));

	@Test
	void bindsWithAMeterRegistryAndAQueue() {
		this.runner.withUserConfiguration(QueueConfiguration.class, RegistryConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(SelectorWakeQueueMetrics.class);
			context.getBean(SelectorWakeQueueMetrics.class).bindTo(context.getBean(MeterRegistry.class));
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("wakequeue.depth").tag("name", "configured").gauge()).isNotNull();
			assertThat(registry.find("wakequeue.wait").meters()).isEmpty();
			assertThat(registry.find("wakequeue.events").meters()).isEmpty();
		});
	}

	@Test
	void isBoundByBootsMetricsAutoConfiguration() {
		this.runner.withUserConfiguration(QueueConfiguration.class)
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(SelectorWakeQueueMetrics.class);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("wakequeue.tasks").tags("name", "configured", "outcome", "dispatched")
					.functionCounter()).isNotNull();
				assertThat(registry.get("wakequeue.capacity").tag("name", "configured").gauge().value())
					.isEqualTo(SelectorWakeQueue.DEFAULT_CAPACITY);
			});
	}

	@Test
	void timesAndCountsEventsOfTheAutoConfiguredQueue() {
		this.runner.withConfiguration(AutoConfigurations.of(SelectorWakeQueueAutoConfiguration.class))
			.withUserConfiguration(RegistryConfiguration.class)
			.withPropertyValues("selector-wake-queue.name=auto", "selector-wake-queue.metrics.timing-sample-every=1")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				context.getBean(SelectorWakeQueueMetrics.class).bindTo(registry);
				SelectorWakeQueue queue = context.getBean(SelectorWakeQueue.class);
				assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
					for (int i = 0; i < 10; i++) {
						queue.execute(() -> {
						});
					}
					await().atMost(Duration.ofSeconds(15))
						.untilAsserted(() -> assertThat(registry.get("wakequeue.execution").tag("name", "auto").timer()
							.count()).isEqualTo(10));
				});
				assertThat(registry.get("wakequeue.wait").tag("name", "auto").timer().count()).isEqualTo(10);
				assertThat(registry.get("wakequeue.events").tags("name", "auto", "mode", "sync").functionCounter())
					.isNotNull();
			});
	}

	@Test
	void nothingWhenTheStarterIsDisabled() {
		this.runner.withConfiguration(AutoConfigurations.of(SelectorWakeQueueAutoConfiguration.class))
			.withUserConfiguration(RegistryConfiguration.class)
			.withPropertyValues("selector-wake-queue.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(SelectorWakeQueueMetrics.class));
	}

	@Test
	void backsOffWithoutAMeterRegistry() {
		this.runner.withUserConfiguration(QueueConfiguration.class)
			.run((context) -> assertThat(context).doesNotHaveBean(SelectorWakeQueueMetrics.class));
	}

	@Test
	void backsOffWithoutMicrometer() {
		this.runner.withUserConfiguration(QueueConfiguration.class)
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).doesNotHaveBean(SelectorWakeQueueMetrics.class));
	}

	@Test
	void backsOffWithoutAQueue() {
		this.runner.withUserConfiguration(RegistryConfiguration.class)
			.run((context) -> assertThat(context).doesNotHaveBean(SelectorWakeQueueMetrics.class));
	}

	@Test
	void backsOffForAUserDefinedBinder() {
		this.runner.withUserConfiguration(QueueConfiguration.class, RegistryConfiguration.class)
			.withBean("myMetrics", SelectorWakeQueueMetrics.class,
					() -> new SelectorWakeQueueMetrics(SelectorWakeQueue.builder().build(), null, null))
			.run((context) -> assertThat(context).hasSingleBean(SelectorWakeQueueMetrics.class)
				.hasBean("myMetrics"));
	}

	@Test
	void includesEventsAndTimersWhenTheStarterBeansExist() {
		this.runner.withUserConfiguration(QueueConfiguration.class, RegistryConfiguration.class)
			.withBean(EventRoutingStatus.class, () -> new EventRoutingStatus("test"))
			.withBean(TaskTimingsRelay.class)
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				context.getBean(SelectorWakeQueueMetrics.class).bindTo(registry);
				assertThat(registry.get("wakequeue.events").tags("name", "configured", "mode", "async")
					.functionCounter()).isNotNull();
				assertThat(registry.get("wakequeue.wait").tag("name", "configured").timer()).isNotNull();
				assertThat(registry.get("wakequeue.execution").tag("name", "configured").timer()).isNotNull();
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class QueueConfiguration {

		@Bean
		SelectorWakeQueue selectorWakeQueue() {
			return SelectorWakeQueue.builder().name("configured").build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RegistryConfiguration {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
