package io.github.selectorwakequeue.autoconfigure;

import ch.qos.logback.classic.LoggerContext;
import io.github.selectorwakequeue.logback.SelectorWakeQueueAppender;
import io.github.selectorwakequeue.spring.logback.LogbackAppenderQueues;
import io.github.selectorwakequeue.spring.logback.SelectorWakeQueueAppenderMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Auto-configuration of what the starter shows of the {@link SelectorWakeQueueAppender}s in Logback's
 * configuration: their queues in the {@code wakequeue} endpoint ({@link LogbackAppenderQueues}) and, with a
 * {@link MeterRegistry}, their meters ({@link SelectorWakeQueueAppenderMetrics}). Applies when the appender (module
 * {@code selector-wake-queue-logback}) is on the classpath and Logback is the SLF4J backend in use.
 */
@AutoConfiguration(
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass({ SelectorWakeQueueAppender.class, LoggerContext.class })
@Conditional(SelectorWakeQueueLogbackAutoConfiguration.LogbackInUse.class)
public final class SelectorWakeQueueLogbackAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LogbackAppenderQueues selectorWakeQueueLogbackAppenderQueues() {
		return new LogbackAppenderQueues((LoggerContext) LoggerFactory.getILoggerFactory());
	}

	/** The appenders' meters. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static final class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		SelectorWakeQueueAppenderMetrics selectorWakeQueueAppenderMetrics() {
			return new SelectorWakeQueueAppenderMetrics((LoggerContext) LoggerFactory.getILoggerFactory());
		}

	}

	/** Matches when SLF4J is bound to Logback. */
	static final class LogbackInUse extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			ConditionMessage.Builder message = ConditionMessage.forCondition("Logback in use");
			ILoggerFactory factory = LoggerFactory.getILoggerFactory();
			return (factory instanceof LoggerContext) ? ConditionOutcome.match(message.because("SLF4J is bound to Logback"))
					: ConditionOutcome.noMatch(message.because("SLF4J is bound to " + factory.getClass().getName()));
		}

	}

}
