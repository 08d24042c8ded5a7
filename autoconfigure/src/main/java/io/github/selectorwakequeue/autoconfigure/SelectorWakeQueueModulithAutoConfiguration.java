package io.github.selectorwakequeue.autoconfigure;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.spring.event.EventDeliveryObserver;
import io.github.selectorwakequeue.spring.event.EventRoutingStatus;
import io.github.selectorwakequeue.spring.event.SelectorWakeQueueEventMulticaster;
import io.github.selectorwakequeue.spring.modulith.ModuleListenerAdvisorPostProcessor;
import io.github.selectorwakequeue.spring.modulith.ModuleListenerDispatcher;
import io.github.selectorwakequeue.spring.modulith.ModulithEventMulticaster;
import io.github.selectorwakequeue.spring.modulith.ModulithMulticasterReplacer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.task.TaskDecorator;
import org.springframework.modulith.events.core.EventPublicationRegistry;
import org.springframework.modulith.events.support.PersistentApplicationEventMulticaster;
import org.springframework.scheduling.annotation.AsyncConfigurer;
import org.springframework.util.ErrorHandler;

/**
 * {@link EnableAutoConfiguration Auto-configuration} that composes the starter with Spring Modulith's event
 * publication registry instead of backing off: Modulith's {@code applicationEventMulticaster} is replaced by a
 * {@link ModulithEventMulticaster} (Modulith's own class, extended), and module listeners move from Spring's
 * {@code @Async} executor to the queue, in commit order. Active when Modulith's registry defined its multicaster,
 * unless {@code selector-wake-queue.events.modulith.enabled=false} (or events or the starter are disabled), in
 * which case Modulith's multicaster stays and {@link SelectorWakeQueueAutoConfiguration} logs why events are not
 * routed.
 */
@AutoConfiguration(afterName = "org.springframework.modulith.events.config.EventPublicationAutoConfiguration",
		before = SelectorWakeQueueAutoConfiguration.class)
@ConditionalOnClass(PersistentApplicationEventMulticaster.class)
@ConditionalOnBean(PersistentApplicationEventMulticaster.class)
@ConditionalOnQueueEnabled
@ConditionalOnBooleanProperty(name = "selector-wake-queue.events.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "selector-wake-queue.events.modulith.enabled", matchIfMissing = true)
public final class SelectorWakeQueueModulithAutoConfiguration {

	/** Routing is on: the status says so until the router resolves the queue. */
	@Bean
	EventRoutingStatus selectorWakeQueueModulithEventRoutingStatus() {
		EventRoutingStatus status = new EventRoutingStatus("not routing yet");
		status.activate();
		return status;
	}

	/**
	 * Runs module listener invocations on the queue in commit order. {@code static} and lazy in what it needs:
	 * the multicaster, created early in the refresh, uses it.
	 */
	@Bean
	static ModuleListenerDispatcher selectorWakeQueueModuleListenerDispatcher(ObjectProvider<SelectorWakeQueue> queue,
			ObjectProvider<SelectorWakeQueueProperties> properties, ObjectProvider<EventRoutingStatus> status,
			ObjectProvider<ErrorHandler> errorHandler, ObjectProvider<EventDeliveryObserver> observer,
			ObjectProvider<TaskDecorator> taskDecorators, ObjectProvider<AsyncConfigurer> asyncConfigurers) {
		return new ModuleListenerDispatcher(queue,
				() -> SelectorWakeQueueAutoConfiguration.eventRoutingSettings(properties), status, errorHandler, observer,
				taskDecorators, asyncConfigurers);
	}

	/**
	 * Swaps Modulith's multicaster definition for one made by {@link #modulithEventMulticaster}, with the
	 * collaborators Modulith gives its own.
	 */
	@Bean
	static ModulithMulticasterReplacer selectorWakeQueueModulithMulticasterReplacer() {
		return new ModulithMulticasterReplacer(SelectorWakeQueueModulithAutoConfiguration.class,
				"modulithEventMulticaster");
	}

	/** Moves module listeners, and only them, from Spring's {@code @Async} executor to the queue. */
	@Bean
	static ModuleListenerAdvisorPostProcessor selectorWakeQueueModuleListenerAdvisorPostProcessor(
			ObjectProvider<ModuleListenerDispatcher> dispatcher) {
		return new ModuleListenerAdvisorPostProcessor(dispatcher::getObject);
	}

	/**
	 * The factory method of the {@code applicationEventMulticaster} definition that
	 * {@link ModulithMulticasterReplacer} registers (a method rather than a lambda, so that Spring AOT can generate
	 * code for that definition).
	 * @param beanFactory the context's bean factory, autowired
	 * @return the multicaster
	 */
	static ModulithEventMulticaster modulithEventMulticaster(ConfigurableListableBeanFactory beanFactory) {
		ObjectProvider<SelectorWakeQueueProperties> properties = beanFactory
			.getBeanProvider(SelectorWakeQueueProperties.class);
		SelectorWakeQueueEventMulticaster others = new SelectorWakeQueueEventMulticaster(
				beanFactory.getBeanProvider(SelectorWakeQueue.class),
				() -> SelectorWakeQueueAutoConfiguration.eventRoutingSettings(properties),
				beanFactory.getBeanProvider(EventRoutingStatus.class), beanFactory.getBeanProvider(ErrorHandler.class),
				beanFactory.getBeanProvider(EventDeliveryObserver.class));
		return new ModulithEventMulticaster(() -> beanFactory.getBean(EventPublicationRegistry.class),
				() -> beanFactory.getBean(Environment.class), others,
				beanFactory.getBean(ModuleListenerDispatcher.class));
	}

}
