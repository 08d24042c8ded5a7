package io.github.selectorwakequeue.autoconfigure;

import java.util.function.BooleanSupplier;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.spring.event.EventDeliveryObserver;
import io.github.selectorwakequeue.spring.event.EventListenerBeans;
import io.github.selectorwakequeue.spring.event.EventRoutingSettings;
import io.github.selectorwakequeue.spring.event.EventRoutingStatus;
import io.github.selectorwakequeue.spring.event.SelectorWakeQueueEventMulticaster;
import io.github.selectorwakequeue.spring.metrics.TaskTimingsRelay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SearchStrategy;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindHandlerAdvisor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.util.ErrorHandler;

/**
 * {@link EnableAutoConfiguration Auto-configuration} of a {@link SelectorWakeQueue} bean whose reactor starts
 * as soon as the queue exists and drains after the web server at shutdown, and of the
 * {@code applicationEventMulticaster} that delivers application events on that reactor. Ordered after Spring
 * Modulith's event publication registry, whose multicaster takes precedence (and is composed with by
 * {@link SelectorWakeQueueModulithAutoConfiguration}), and after Spring Boot's task execution: the queue is an
 * {@code Executor}, and Boot's {@code applicationTaskExecutor} (the {@code @Async} executor, with the application's
 * {@code TaskDecorator}s) backs off when it finds one defined before it.
 *
 * <p>In a context hierarchy a child context reuses the queue of its parent (one reactor per application) and
 * routes its own events through it with its own multicaster and routing status; only the context that defined
 * the queue bean closes it.
 */
@AutoConfiguration(afterName = { "org.springframework.modulith.events.config.EventPublicationAutoConfiguration",
		"org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration" })
@ConditionalOnQueueEnabled
@EnableConfigurationProperties(SelectorWakeQueueProperties.class)
public final class SelectorWakeQueueAutoConfiguration {

	private static final String MULTICASTER_BEAN_NAME = AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME;

	/**
	 * Lets the binding of the properties report every invalid value at once, the ones it cannot convert included.
	 * {@code static}: Boot looks advisors up when it binds the first properties bean.
	 */
	@Bean
	static ConfigurationPropertiesBindHandlerAdvisor selectorWakeQueueInvalidPropertiesAdvisor() {
		return InvalidPropertiesBindHandler.advisor();
	}

	/** The queue, unless the application defines one, built from the properties and the customizers. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(SelectorWakeQueue.class)
	static final class QueueConfiguration {

		/**
		 * Where the auto-configured queue reports its sampled timings. Only with the auto-configured queue: a
		 * user-defined queue does not report to it, and timers that never move would mislead.
		 */
		@Bean
		TaskTimingsRelay selectorWakeQueueTaskTimingsRelay() {
			return new TaskTimingsRelay();
		}

		/**
		 * The queue. Its inferred {@code close()} destroy method is idempotent and runs after
		 * {@link SelectorWakeQueueLifecycle} has closed it, so it does nothing then.
		 */
		@Bean
		SelectorWakeQueue selectorWakeQueue(SelectorWakeQueueProperties properties, TaskTimingsRelay timings,
				ObjectProvider<SelectorWakeQueueBuilderCustomizer> customizers) {
			SelectorWakeQueue.Builder builder = SelectorWakeQueue.builder()
				.name(properties.getName())
				.capacity(properties.getCapacity())
				.overflowPolicy(properties.getOverflowPolicy())
				.errorHandler(new LoggingTaskErrorHandler(properties.getName()))
				.taskTimings(timings, properties.getMetrics().getTimingSampleEvery())
				.lanes(properties.getLanes().isEnabled())
				.laneThresholds(properties.getLanes().getSlowThreshold(), properties.getLanes().getStuckThreshold(),
						properties.getLanes().getWorkers(), properties.getLanes().getMaxBacklog());
			customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
			return builder.build();
		}

	}

	/**
	 * Starts any queue bean as soon as it exists, and closes it when the context that defined it closes. A plain
	 * stop or pause, and a child context using its parent's queue, wait for what was queued instead.
	 */
	@Configuration(proxyBeanMethods = false)
	static final class LifecycleConfiguration {

		@Bean
		static SelectorWakeQueueStarter selectorWakeQueueStarter() {
			return new SelectorWakeQueueStarter();
		}

		/**
		 * The lifecycle. It tells a close from a plain stop by the context's {@code isClosed()}, which is true
		 * from the start of {@code close()}, before lifecycle beans are stopped.
		 */
		@Bean
		SelectorWakeQueueLifecycle selectorWakeQueueLifecycle(SelectorWakeQueue queue,
				SelectorWakeQueueProperties properties, ConfigurableListableBeanFactory beanFactory,
				ApplicationContext context) {
			BooleanSupplier closing = (context instanceof ConfigurableApplicationContext configurable)
					? configurable::isClosed : () -> true;
			return new SelectorWakeQueueLifecycle(queue, properties.getShutdownTimeout(), isDefinedIn(beanFactory, queue),
					closing);
		}

		/** Whether the queue is a singleton of this bean factory itself, not of an ancestor. */
		private static boolean isDefinedIn(ConfigurableListableBeanFactory beanFactory, SelectorWakeQueue queue) {
			for (String name : beanFactory.getBeanNamesForType(SelectorWakeQueue.class, false, false)) {
				if (beanFactory.containsSingleton(name) && beanFactory.getSingleton(name) == queue) {
					return true;
				}
			}
			return false;
		}

	}

	/** Whether events are routed, and why not: read by the endpoint and metrics. */
	@Configuration(proxyBeanMethods = false)
	static final class EventRoutingStatusConfiguration {

		private static final Logger logger = LoggerFactory.getLogger(SelectorWakeQueueAutoConfiguration.class);

		private static final String MODULITH_MULTICASTER = "org.springframework.modulith.events.support.PersistentApplicationEventMulticaster";

		/** One per context: each context's own multicaster routes (or does not route) that context's events. */
		@Bean
		@ConditionalOnMissingBean(search = SearchStrategy.CURRENT)
		EventRoutingStatus selectorWakeQueueEventRoutingStatus(SelectorWakeQueueProperties properties,
				ConfigurableListableBeanFactory beanFactory) {
			if (!properties.getEvents().isEnabled()) {
				return inactive("disabled by selector-wake-queue.events.enabled=false");
			}
			Class<?> multicaster = beanFactory.containsLocalBean(MULTICASTER_BEAN_NAME)
					? beanFactory.getType(MULTICASTER_BEAN_NAME) : null;
			if (multicaster != null && SelectorWakeQueueEventMulticaster.class.isAssignableFrom(multicaster)) {
				EventRoutingStatus status = new EventRoutingStatus("not routing yet");
				status.activate();
				return status;
			}
			if (multicaster != null && MODULITH_MULTICASTER.equals(multicaster.getName())
					&& !properties.getEvents().getModulith().isEnabled()) {
				return inactive("Spring Modulith's applicationEventMulticaster is kept as it is "
						+ "(selector-wake-queue.events.modulith.enabled=false)");
			}
			return inactive("another applicationEventMulticaster bean is present: "
					+ ((multicaster != null) ? multicaster.getName() : "of unknown type"));
		}

		private static EventRoutingStatus inactive(String reason) {
			logger.info("Application events are not routed through the SelectorWakeQueue: {}", reason);
			return new EventRoutingStatus(reason);
		}

	}

	/**
	 * The multicaster; {@code static} because the context creates it early in the refresh, before ordinary
	 * singletons, and it resolves what it needs at the first event. A parent context's multicaster does not
	 * count: a context only ever uses its own (Spring looks the bean up in the current context alone), so a
	 * child context gets one too.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "selector-wake-queue.events.enabled", matchIfMissing = true)
	static final class EventRoutingConfiguration {

		@Bean(name = MULTICASTER_BEAN_NAME)
		@ConditionalOnMissingBean(name = MULTICASTER_BEAN_NAME, search = SearchStrategy.CURRENT)
		static SelectorWakeQueueEventMulticaster applicationEventMulticaster(ObjectProvider<SelectorWakeQueue> queue,
				ObjectProvider<SelectorWakeQueueProperties> properties, ObjectProvider<EventRoutingStatus> status,
				ObjectProvider<ErrorHandler> errorHandler, ObjectProvider<EventDeliveryObserver> observer) {
			return new SelectorWakeQueueEventMulticaster(queue, () -> eventRoutingSettings(properties), status,
					errorHandler, observer);
		}

	}

	/**
	 * Tells the routing which bean each {@code @EventListener} method belongs to (to keep listeners of request- or
	 * session-scoped beans on the publisher's thread): creates the same listeners as Spring's default factory.
	 * {@code static}: Spring collects listener factories while it post-processes the bean factory.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "selector-wake-queue.events.enabled", matchIfMissing = true)
	static final class EventListenerBeansConfiguration {

		@Bean
		@ConditionalOnMissingBean(search = SearchStrategy.CURRENT)
		static EventListenerBeans selectorWakeQueueEventListenerBeans() {
			return new EventListenerBeans();
		}

	}

	/**
	 * The routing settings from the properties, read when the multicaster first routes an event.
	 * @param properties the properties, if bound
	 * @return the settings
	 */
	static EventRoutingSettings eventRoutingSettings(ObjectProvider<SelectorWakeQueueProperties> properties) {
		SelectorWakeQueueProperties.Events events = properties.getIfAvailable(SelectorWakeQueueProperties::new)
			.getEvents();
		return new EventRoutingSettings(events.getSynchronousTypes(), events.isPropagateContext(),
				events.getPublisherThreadListeners());
	}

}
