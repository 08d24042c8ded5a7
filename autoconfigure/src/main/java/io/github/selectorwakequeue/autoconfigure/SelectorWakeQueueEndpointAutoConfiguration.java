package io.github.selectorwakequeue.autoconfigure;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.spring.actuate.RelatedQueues;
import io.github.selectorwakequeue.spring.actuate.SelectorWakeQueueEndpoint;
import io.github.selectorwakequeue.spring.event.EventRoutingStatus;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code wakequeue} actuator endpoint: applies when Actuator is on the
 * classpath, the context holds one {@link SelectorWakeQueue} (or a primary one), and the endpoint is
 * available (access not {@code none} and exposed, for example through
 * {@code management.endpoints.web.exposure.include=wakequeue}).
 */
@AutoConfiguration(after = SelectorWakeQueueAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnSingleCandidate(SelectorWakeQueue.class)
@ConditionalOnAvailableEndpoint(SelectorWakeQueueEndpoint.class)
@EnableConfigurationProperties(SelectorWakeQueueProperties.class)
public final class SelectorWakeQueueEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SelectorWakeQueueEndpoint selectorWakeQueueEndpoint(SelectorWakeQueue queue,
			SelectorWakeQueueProperties properties, ObjectProvider<EventRoutingStatus> routing,
			ObjectProvider<RelatedQueues> related) {
		return new SelectorWakeQueueEndpoint(queue, properties.getHealth().getStallThreshold(),
				routing.getIfAvailable(),
				() -> related.orderedStream().flatMap((source) -> source.relatedQueues().stream()).toList());
	}

}
