package io.github.selectorwakequeue.autoconfigure;

import io.github.selectorwakequeue.spring.event.EventDeliveryObserver;
import io.github.selectorwakequeue.spring.observation.ObservationEventDeliveryObserver;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} of an {@link ObservationEventDeliveryObserver}: each
 * delivery to a listener off the publisher's thread becomes an observation {@code wakequeue.deliver}. Opt-in with
 * {@code selector-wake-queue.events.observations.enabled=true}; needs micrometer-observation and an
 * {@link ObservationRegistry} bean (Spring Boot's, from {@code spring-boot-micrometer-observation}). A child
 * context uses its parent's observer. The multicaster resolves the observer at the first event.
 */
@AutoConfiguration(afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean(ObservationRegistry.class)
@ConditionalOnQueueEnabled
@ConditionalOnBooleanProperty(name = "selector-wake-queue.events.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty("selector-wake-queue.events.observations.enabled")
public final class SelectorWakeQueueObservationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(EventDeliveryObserver.class)
	ObservationEventDeliveryObserver selectorWakeQueueEventDeliveryObserver(ObservationRegistry registry) {
		return new ObservationEventDeliveryObserver(registry);
	}

}
