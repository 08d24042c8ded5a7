package io.github.selectorwakequeue.autoconfigure;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.spring.event.EventRoutingStatus;
import io.github.selectorwakequeue.spring.metrics.SelectorWakeQueueMetrics;
import io.github.selectorwakequeue.spring.metrics.TaskTimingsRelay;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of {@link SelectorWakeQueueMetrics}: applies when Micrometer is on the classpath, the
 * context holds a {@link MeterRegistry} and one {@link SelectorWakeQueue} (or a primary one). Event counts
 * and the sampled timers are included when the queue came from the starter's auto-configuration (its
 * {@link EventRoutingStatus} and {@link TaskTimingsRelay} beans exist). The binder is bound once the
 * registries exist; nothing here touches a registry early.
 */
@AutoConfiguration(after = SelectorWakeQueueAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnSingleCandidate(SelectorWakeQueue.class)
public final class SelectorWakeQueueMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SelectorWakeQueueMetrics selectorWakeQueueMetrics(SelectorWakeQueue queue,
			ObjectProvider<EventRoutingStatus> routing, ObjectProvider<TaskTimingsRelay> relay) {
		return new SelectorWakeQueueMetrics(queue, routing.getIfAvailable(), relay.getIfAvailable());
	}

}
