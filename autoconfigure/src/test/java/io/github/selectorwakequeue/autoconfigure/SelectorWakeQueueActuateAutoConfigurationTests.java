package io.github.selectorwakequeue.autoconfigure;

import java.time.Duration;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.spring.event.EventRoutingStatus;
import io.github.selectorwakequeue.spring.actuate.SelectorWakeQueueEndpoint;
import io.github.selectorwakequeue.spring.actuate.SelectorWakeQueueHealthIndicator;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SelectorWakeQueueHealthContributorAutoConfiguration} and
 * {@link SelectorWakeQueueEndpointAutoConfiguration}: when each applies.
 */
class SelectorWakeQueueActuateAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SelectorWakeQueueHealthContributorAutoConfiguration.class,
				SelectorWakeQueueEndpointAutoConfiguration.class));

	@Test
	void healthIndicatorByDefault() {
		this.runner.withUserConfiguration(QueueConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(SelectorWakeQueueHealthIndicator.class)
				.hasBean("selectorWakeQueueHealthIndicator");
			assertThat(context.getBean(SelectorWakeQueueHealthIndicator.class).health().getStatus())
				.isEqualTo(Status.UP);
		});
	}

	@Test
	void healthIndicatorOffWhenDisabled() {
		this.runner.withUserConfiguration(QueueConfiguration.class)
			.withPropertyValues("management.health.selectorwakequeue.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(SelectorWakeQueueHealthIndicator.class));
	}

	@Test
	void healthIndicatorOffWhenDisabledWithTheDashedName() {
		this.runner.withUserConfiguration(QueueConfiguration.class)
			.withPropertyValues("management.health.selector-wake-queue.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(SelectorWakeQueueHealthIndicator.class));
	}

	@Test
	void healthIndicatorOffWhenDisabledWithTheComponentName() {
		this.runner.withUserConfiguration(QueueConfiguration.class)
			.withPropertyValues("management.health.selectorWakeQueue.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(SelectorWakeQueueHealthIndicator.class));
	}

	@Test
	void healthIndicatorOffWhenDefaultsAreDisabled() {
		this.runner.withUserConfiguration(QueueConfiguration.class)
			.withPropertyValues("management.health.defaults.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(SelectorWakeQueueHealthIndicator.class));
	}

	@Test
	void healthIndicatorOnWhenExplicitlyEnabledDespiteDefaults() {
		this.runner.withUserConfiguration(QueueConfiguration.class)
			.withPropertyValues("management.health.defaults.enabled=false",
					"management.health.selectorwakequeue.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(SelectorWakeQueueHealthIndicator.class));
	}

	@Test
	void healthIndicatorOffWithoutHealthSupport() {
		this.runner.withUserConfiguration(QueueConfiguration.class)
			.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> assertThat(context).doesNotHaveBean(SelectorWakeQueueHealthIndicator.class));
	}

	@Test
	void nothingWithoutAQueue() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=*")
			.run((context) -> assertThat(context).doesNotHaveBean(SelectorWakeQueueHealthIndicator.class)
				.doesNotHaveBean(SelectorWakeQueueEndpoint.class));
	}

	@Test
	void healthIndicatorBacksOffForAUserBeanOfTheSameName() {
		this.runner.withUserConfiguration(QueueConfiguration.class)
			.withBean("selectorWakeQueueHealthIndicator", HealthIndicator.class,
					() -> () -> org.springframework.boot.health.contributor.Health.up().build())
			.run((context) -> assertThat(context).doesNotHaveBean(SelectorWakeQueueHealthIndicator.class)
				.hasBean("selectorWakeQueueHealthIndicator"));
	}

	@Test
	void healthIndicatorUsesTheConfiguredStallThreshold() {
		this.runner.withUserConfiguration(QueueConfiguration.class)
			.withPropertyValues("selector-wake-queue.health.stall-threshold=250ms")
			.run((context) -> assertThat(context.getBean(SelectorWakeQueueHealthIndicator.class))
				.hasFieldOrPropertyWithValue("stallThreshold", Duration.ofMillis(250)));
	}

	@Test
	void healthAndEndpointForTheAutoConfiguredQueue() {
		this.runner.withConfiguration(AutoConfigurations.of(SelectorWakeQueueAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=wakequeue", "selector-wake-queue.name=auto")
			.run((context) -> {
				assertThat(context.getBean(SelectorWakeQueueHealthIndicator.class).health().getStatus())
					.isEqualTo(Status.UP);
				assertThat(context.getBean(SelectorWakeQueueEndpoint.class).describe()).satisfies((body) -> {
					assertThat(body.name()).isEqualTo("auto");
					assertThat(body.eventRouting()).isEqualTo(true);
				});
			});
	}

	@Test
	void nothingWhenTheStarterIsDisabled() {
		this.runner.withConfiguration(AutoConfigurations.of(SelectorWakeQueueAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=wakequeue",
					"selector-wake-queue.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(SelectorWakeQueueHealthIndicator.class)
				.doesNotHaveBean(SelectorWakeQueueEndpoint.class));
	}

	@Test
	void endpointNotAvailableUnlessExposed() {
		this.runner.withUserConfiguration(QueueConfiguration.class)
			.run((context) -> assertThat(context).doesNotHaveBean(SelectorWakeQueueEndpoint.class));
	}

	@Test
	void endpointWhenExposedOverTheWeb() {
		this.runner.withUserConfiguration(QueueConfiguration.class)
			.withPropertyValues("management.endpoints.web.exposure.include=wakequeue")
			.run((context) -> assertThat(context).hasSingleBean(SelectorWakeQueueEndpoint.class));
	}

	@Test
	void endpointNotAvailableWhenAccessIsNone() {
		this.runner.withUserConfiguration(QueueConfiguration.class)
			.withPropertyValues("management.endpoints.web.exposure.include=wakequeue",
					"management.endpoint.wakequeue.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(SelectorWakeQueueEndpoint.class));
	}

	@Test
	void endpointNotAvailableWithoutActuator() {
		this.runner.withUserConfiguration(QueueConfiguration.class)
			.withPropertyValues("management.endpoints.web.exposure.include=wakequeue")
			.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> assertThat(context).doesNotHaveBean(SelectorWakeQueueEndpoint.class));
	}

	@Test
	void endpointReportsEventRoutingWhenTheStatusBeanExists() {
		this.runner.withUserConfiguration(QueueConfiguration.class)
			.withBean(EventRoutingStatus.class, () -> new EventRoutingStatus("events.enabled is false"))
			.withPropertyValues("management.endpoints.web.exposure.include=wakequeue")
			.run((context) -> assertThat(context.getBean(SelectorWakeQueueEndpoint.class).describe().eventRouting())
				.isEqualTo("events.enabled is false"));
	}

	@Configuration(proxyBeanMethods = false)
	static class QueueConfiguration {

		@Bean
		SelectorWakeQueue selectorWakeQueue() {
			SelectorWakeQueue queue = SelectorWakeQueue.builder().name("configured").build();
			queue.start();
			return queue;
		}

	}

}
