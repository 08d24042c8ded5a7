package io.github.selectorwakequeue.autoconfigure;

import java.util.List;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

/**
 * Turns invalid {@code selector-wake-queue.*} properties, whether out of range or not convertible at all, into a
 * start-up report that lists every one of them, each with its value, where it was set and what is allowed, instead
 * of a stack trace. Runs before Spring Boot's generic binding analyzers.
 */
final class SelectorWakeQueueFailureAnalyzer extends AbstractFailureAnalyzer<BindException> implements Ordered {

	private static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName
		.of(SelectorWakeQueueProperties.PREFIX);

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
		if (!PREFIX.equals(cause.getName()) && !PREFIX.isAncestorOf(cause.getName())) {
			return null;
		}
		List<InvalidProperty> invalid = invalidProperties(cause);
		StringBuilder description = new StringBuilder("Invalid selector-wake-queue configuration:");
		invalid.forEach((property) -> description.append(System.lineSeparator()).append("    ").append(property));
		return new FailureAnalysis(description.toString(),
				"Set each property listed above to an allowed value, or remove it to use its default.", cause);
	}

	/**
	 * What went wrong: all of it when {@link InvalidPropertiesBindHandler} took part in the binding (it does in every
	 * application with the starter), else what Boot's binder reported (a validation, or the one value it could not
	 * convert, as when {@link SelectorWakeQueueProperties} is bound without the auto-configuration).
	 */
	private List<InvalidProperty> invalidProperties(BindException cause) {
		InvalidPropertiesException all = findCause(cause, InvalidPropertiesException.class);
		if (all != null) {
			return all.properties();
		}
		BindValidationException validation = findCause(cause, BindValidationException.class);
		if (validation != null) {
			return InvalidProperty.rejected(validation);
		}
		ConfigurationProperty bound = cause.getProperty();
		return List.of(InvalidProperty.unconvertible(cause.getName(), bound, cause.getTarget().getType()));
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
