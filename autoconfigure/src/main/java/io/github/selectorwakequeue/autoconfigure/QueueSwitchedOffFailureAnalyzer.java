package io.github.selectorwakequeue.autoconfigure;

import io.github.selectorwakequeue.SelectorWakeQueue;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.IgnoreErrorsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.analyzer.AbstractInjectionFailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;

/**
 * When the application needs a {@link SelectorWakeQueue} bean and {@code selector-wake-queue.enabled=false} switched
 * the starter off, says so, with where the property was set, instead of Boot's "could not be found". A queue missing
 * for any other reason is left to Spring Boot's analyzer.
 */
final class QueueSwitchedOffFailureAnalyzer extends AbstractInjectionFailureAnalyzer<NoSuchBeanDefinitionException>
		implements Ordered {

	private static final ConfigurationPropertyName ENABLED = ConfigurationPropertyName
		.of(ConditionalOnQueueEnabled.OnQueueEnabledCondition.PROPERTY);

	private final Environment environment;

	QueueSwitchedOffFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	protected @Nullable FailureAnalysis analyze(Throwable rootFailure, NoSuchBeanDefinitionException cause,
			@Nullable String description) {
		if (!requiresQueue(cause) || !switchedOff()) {
			return null;
		}
		String who = (description != null) ? description : "The application";
		return new FailureAnalysis(who + " requires a bean of type '" + SelectorWakeQueue.class.getName()
				+ "', and there is none: " + ENABLED + "=false" + origin() + " turned the starter off "
				+ "(no queue, no reactor thread, no event routing).",
				"Remove " + ENABLED + "=false (or set it to true) to have the starter create the queue, or define a "
						+ SelectorWakeQueue.class.getSimpleName() + " bean of your own.",
				cause);
	}

	private static boolean requiresQueue(NoSuchBeanDefinitionException cause) {
		ResolvableType type = cause.getResolvableType();
		Class<?> required = (type != null) ? type.resolve() : cause.getBeanType();
		return required != null && required.isAssignableFrom(SelectorWakeQueue.class);
	}

	private boolean switchedOff() {
		return !Binder.get(this.environment)
			.bind(ENABLED, Bindable.of(Boolean.class), new IgnoreErrorsBindHandler())
			.orElse(true);
	}

	private String origin() {
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
			ConfigurationProperty property = source.getConfigurationProperty(ENABLED);
			if (property != null) {
				return (property.getOrigin() != null) ? " (origin: " + property.getOrigin() + ")" : "";
			}
		}
		return "";
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
