package io.github.selectorwakequeue.autoconfigure;

import java.time.Duration;

import io.github.selectorwakequeue.OverflowPolicy;
import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.spring.event.EventRoutingStatus;
import io.github.selectorwakequeue.spring.event.SelectorWakeQueueEventMulticaster;
import io.github.selectorwakequeue.spring.metrics.TaskTimingsRelay;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ApplicationEventMulticaster;
import org.springframework.context.event.SimpleApplicationEventMulticaster;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions and back-offs of {@link SelectorWakeQueueAutoConfiguration}.
 */
class SelectorWakeQueueAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SelectorWakeQueueAutoConfiguration.class));

	@Test
	void definesQueueRelayStatusLifecycleAndMulticasterByDefault() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(SelectorWakeQueue.class)
				.hasSingleBean(TaskTimingsRelay.class)
				.hasSingleBean(EventRoutingStatus.class)
				.hasSingleBean(SelectorWakeQueueLifecycle.class);
			assertThat(context.getBean("applicationEventMulticaster"))
				.isInstanceOf(SelectorWakeQueueEventMulticaster.class);
			SelectorWakeQueue queue = context.getBean(SelectorWakeQueue.class);
			assertThat(queue.name()).isEqualTo("selector-wake-queue");
			assertThat(queue.capacity()).isEqualTo(65536);
			assertThat(queue.overflowPolicy()).isEqualTo(OverflowPolicy.CALLER_RUNS);
			assertThat(queue.stats().running()).isTrue();
			EventRoutingStatus status = context.getBean(EventRoutingStatus.class);
			assertThat(status.isActive()).isTrue();
			assertThat(status.getReason()).isNull();
		});
	}

	@Test
	void buildsTheQueueFromProperties() {
		this.runner
			.withPropertyValues("selector-wake-queue.name=orders", "selector-wake-queue.capacity=1000",
					"selector-wake-queue.overflow-policy=reject")
			.run((context) -> {
				SelectorWakeQueue queue = context.getBean(SelectorWakeQueue.class);
				assertThat(queue.name()).isEqualTo("orders");
				assertThat(queue.capacity()).isEqualTo(1024);
				assertThat(queue.overflowPolicy()).isEqualTo(OverflowPolicy.REJECT);
				assertThat(queue.reactorThread()).hasValueSatisfying((thread) -> assertThat(thread.getName()).isEqualTo("orders"));
			});
	}

	@Test
	void lifecycleStopsAfterTheWebServerStops() {
		this.runner.run((context) -> assertThat(context.getBean(SelectorWakeQueueLifecycle.class).getPhase())
			.isLessThan(SmartLifecycle.DEFAULT_PHASE - 2048));
	}

	@Test
	void closingTheContextClosesTheQueue() {
		this.runner.run((context) -> {
			SelectorWakeQueue queue = context.getBean(SelectorWakeQueue.class);
			context.close();
			assertThat(queue.isClosed()).isTrue();
		});
	}

	@Test
	void disabledDefinesNothing() {
		this.runner.withPropertyValues("selector-wake-queue.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(SelectorWakeQueue.class)
				.doesNotHaveBean(TaskTimingsRelay.class)
				.doesNotHaveBean(EventRoutingStatus.class)
				.doesNotHaveBean(SelectorWakeQueueLifecycle.class);
			assertThat(context.getBean("applicationEventMulticaster"))
				.isExactlyInstanceOf(SimpleApplicationEventMulticaster.class);
		});
	}

	@Test
	void backsOffFromAUserQueueAndStartsAndClosesIt() {
		this.runner.withUserConfiguration(UserQueueConfiguration.class).run((context) -> {
			SelectorWakeQueue queue = context.getBean(SelectorWakeQueue.class);
			assertThat(queue.name()).isEqualTo("user");
			assertThat(queue.stats().running()).isTrue();
			assertThat(context).hasSingleBean(SelectorWakeQueueLifecycle.class).hasSingleBean(EventRoutingStatus.class);
			// The user's queue does not report to our relay: no relay, so no timers that never move.
			assertThat(context).doesNotHaveBean(TaskTimingsRelay.class);
			context.close();
			assertThat(queue.isClosed()).isTrue();
		});
	}

	@Test
	void backsOffFromAUserMulticaster() {
		this.runner.withUserConfiguration(UserMulticasterConfiguration.class).run((context) -> {
			assertThat(context.getBean("applicationEventMulticaster")).isInstanceOf(UserMulticaster.class);
			assertThat(context).hasSingleBean(SelectorWakeQueue.class);
			EventRoutingStatus status = context.getBean(EventRoutingStatus.class);
			assertThat(status.isActive()).isFalse();
			assertThat(status.getReason())
				.isEqualTo("another applicationEventMulticaster bean is present: " + UserMulticaster.class.getName());
		});
	}

	@Test
	void eventsDisabledLeavesSpringsDefaultMulticaster() {
		this.runner.withPropertyValues("selector-wake-queue.events.enabled=false").run((context) -> {
			assertThat(context.getBean("applicationEventMulticaster"))
				.isExactlyInstanceOf(SimpleApplicationEventMulticaster.class);
			assertThat(context).hasSingleBean(SelectorWakeQueue.class);
			EventRoutingStatus status = context.getBean(EventRoutingStatus.class);
			assertThat(status.isActive()).isFalse();
			assertThat(status.getReason()).isEqualTo("disabled by selector-wake-queue.events.enabled=false");
		});
	}

	@Test
	void shutdownTimeoutZeroIsAllowed() {
		this.runner.withPropertyValues("selector-wake-queue.shutdown-timeout=0s")
			.run((context) -> assertThat(context).hasNotFailed()
				.getBean(SelectorWakeQueueProperties.class)
				.extracting(SelectorWakeQueueProperties::getShutdownTimeout)
				.isEqualTo(Duration.ZERO));
	}

	@Test
	void customizersChangeTheBuilderInTheirOrderAndKeepTheStartersTimers() {
		this.runner.withUserConfiguration(CustomizerConfiguration.class).run((context) -> {
			SelectorWakeQueue queue = context.getBean(SelectorWakeQueue.class);
			assertThat(queue.capacity()).as("the later customizer wins").isEqualTo(128);
			assertThat(queue.reactorThread()).hasValueSatisfying(
					(thread) -> assertThat(thread.getName()).isEqualTo("customized-reactor"));
			assertThat(context).hasSingleBean(TaskTimingsRelay.class).hasSingleBean(SelectorWakeQueueLifecycle.class);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizerConfiguration {

		@Bean
		@Order(2)
		SelectorWakeQueueBuilderCustomizer smallerQueue() {
			return (builder) -> builder.capacity(100);
		}

		@Bean
		@Order(1)
		SelectorWakeQueueBuilderCustomizer namedThreadAndLargerQueue() {
			return (builder) -> builder.capacity(4096).threadFactory((runnable) -> {
				Thread thread = new Thread(runnable, "customized-reactor");
				thread.setDaemon(true);
				return thread;
			});
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserQueueConfiguration {

		@Bean
		SelectorWakeQueue userQueue() {
			return SelectorWakeQueue.builder().name("user").build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserMulticasterConfiguration {

		@Bean
		ApplicationEventMulticaster applicationEventMulticaster() {
			return new UserMulticaster();
		}

	}

	static class UserMulticaster extends SimpleApplicationEventMulticaster {

	}

}
