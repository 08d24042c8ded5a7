package io.github.selectorwakequeue.autoconfigure;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.spring.actuate.SelectorWakeQueueHealthIndicator;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code selectorWakeQueue} health component: applies when Spring Boot's health
 * support is on the classpath, the context holds one {@link SelectorWakeQueue} (or a primary one), and
 * {@code management.health.selectorwakequeue.enabled} (or {@code management.health.defaults.enabled}) is
 * not {@code false}. The stall threshold is {@code selector-wake-queue.health.stall-threshold}.
 */
@AutoConfiguration(after = SelectorWakeQueueAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnSingleCandidate(SelectorWakeQueue.class)
@ConditionalOnEnabledHealthIndicator("selectorwakequeue")
@EnableConfigurationProperties(SelectorWakeQueueProperties.class)
public final class SelectorWakeQueueHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "selectorWakeQueueHealthIndicator")
	SelectorWakeQueueHealthIndicator selectorWakeQueueHealthIndicator(SelectorWakeQueue queue,
			SelectorWakeQueueProperties properties) {
		return new SelectorWakeQueueHealthIndicator(queue, properties.getHealth().getStallThreshold());
	}

}
