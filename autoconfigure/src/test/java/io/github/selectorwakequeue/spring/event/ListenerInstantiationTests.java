package io.github.selectorwakequeue.spring.event;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.selectorwakequeue.autoconfigure.SelectorWakeQueueAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.annotation.Scope;
import org.springframework.web.context.WebApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * With the starter, listener beans are created exactly when Spring creates them (at their first event, for lazy,
 * prototype and scoped ones), and start-up copes with events published while the routing's own beans are created.
 */
class ListenerInstantiationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SelectorWakeQueueAutoConfiguration.class));

	@Test
	void aLazyListenerBeanStaysUncreatedUntilItsFirstEvent() {
		this.runner.withUserConfiguration(LazyListenerConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			ConfigurableBeanFactory beanFactory = context.getBeanFactory();
			assertThat(beanFactory.containsSingleton("lazyListener")).as("created at start-up").isFalse();
			CountingListener.reset();
			context.publishEvent(new Ping());
			CountingListener.awaitDeliveries(1);
			assertThat(beanFactory.containsSingleton("lazyListener")).isTrue();
		});
	}

	@Test
	void aPrototypeListenerGetsOneInstancePerEventAndNoneAtStartUp() {
		CountingListener.reset();
		this.runner.withUserConfiguration(PrototypeListenerConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(CountingListener.instances).as("instances at start-up").hasValue(0);
			context.publishEvent(new Ping());
			CountingListener.awaitDeliveries(1);
			assertThat(CountingListener.instances).hasValue(1);
		});
	}

	@Test
	void aListenerBeanInAScopeNotActiveAtStartUpDoesNotStopStartUp() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SelectorWakeQueueAutoConfiguration.class))
			.withUserConfiguration(RequestScopedListenerConfiguration.class)
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void aBeanPostProcessorThatPublishesWhileTheRoutingsBeansAreCreatedDoesNotStopStartUp() {
		PingCounter counter = new PingCounter();
		this.runner.withUserConfiguration(PublishingPostProcessorConfiguration.class)
			.withInitializer((context) -> context.addApplicationListener(counter))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				PublishingPostProcessor postProcessor = context.getBean(PublishingPostProcessor.class);
				assertThat(postProcessor.published).as("events published by the post-processor").hasPositiveValue();
				// Every event the post-processor published reached the listener, as without the starter.
				await().atMost(TIMEOUT)
					.untilAsserted(() -> assertThat(counter.received).hasValue(postProcessor.published.get()));
				EventRoutingStatus status = context.getBean(EventRoutingStatus.class);
				assertThat(status.syncCount() + status.asyncCount()).as("each counted once")
					.isGreaterThanOrEqualTo(postProcessor.published.get());
			});
	}

	record Ping() {
	}

	/** Counts instances and deliveries across instances (a prototype gets a new instance per event). */
	static class CountingListener implements ApplicationListener<org.springframework.context.PayloadApplicationEvent<Ping>> {

		static final AtomicInteger instances = new AtomicInteger();

		static volatile CountDownLatch delivered = new CountDownLatch(1);

		CountingListener() {
			instances.incrementAndGet();
		}

		@Override
		public void onApplicationEvent(org.springframework.context.PayloadApplicationEvent<Ping> event) {
			delivered.countDown();
		}

		static void reset() {
			instances.set(0);
			delivered = new CountDownLatch(1);
		}

		static void awaitDeliveries(int count) {
			assertTimeoutPreemptively(TIMEOUT,
					() -> assertThat(delivered.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LazyListenerConfiguration {

		@Bean
		@Lazy
		CountingListener lazyListener() {
			return new CountingListener();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrototypeListenerConfiguration {

		@Bean
		@Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
		CountingListener prototypeListener() {
			return new CountingListener();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RequestScopedListenerConfiguration {

		@Bean
		@Scope(WebApplicationContext.SCOPE_REQUEST)
		CountingListener requestListener() {
			return new CountingListener();
		}

	}

	/** Publishes an event for every bean it post-processes, as Spring's own tests of start-up publishing do. */
	static class PublishingPostProcessor implements BeanPostProcessor, ApplicationContextAware {

		final AtomicInteger published = new AtomicInteger();

		private ApplicationContext context;

		@Override
		public void setApplicationContext(ApplicationContext context) {
			this.context = context;
		}

		@Override
		public Object postProcessBeforeInitialization(Object bean, String beanName) {
			this.published.incrementAndGet();
			this.context.publishEvent(new Ping());
			return bean;
		}

	}

	/** Counts the events it receives. */
	static class PingCounter implements ApplicationListener<org.springframework.context.PayloadApplicationEvent<Ping>> {

		final AtomicInteger received = new AtomicInteger();

		@Override
		public void onApplicationEvent(org.springframework.context.PayloadApplicationEvent<Ping> event) {
			this.received.incrementAndGet();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PublishingPostProcessorConfiguration {

		@Bean
		static PublishingPostProcessor publishingPostProcessor() {
			return new PublishingPostProcessor();
		}

	}

}
