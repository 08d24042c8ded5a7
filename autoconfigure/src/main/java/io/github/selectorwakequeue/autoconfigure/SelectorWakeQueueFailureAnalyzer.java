package io.github.selectorwakequeue.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.origin.Origin;
import org.springframework.core.Ordered;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * Turns an invalid {@code selector-wake-queue.*} property, whether out of range or not convertible at all, into
 * a start-up report naming the property, the bad value and what is allowed, instead of a stack trace. Runs
 * before Spring Boot's generic binding analyzers.
 */
final class SelectorWakeQueueFailureAnalyzer extends AbstractFailureAnalyzer<BindException> implements Ordered {

	private static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName
		.of(SelectorWakeQueueProperties.PREFIX);

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
		if (!PREFIX.equals(cause.getName()) && !PREFIX.isAncestorOf(cause.getName())) {
			return null;
		}
		BindValidationException validation = findCause(cause, BindValidationException.class);
		List<String> problems = (validation != null) ? describeViolations(validation) : List.of(describe(cause));
		if (problems.isEmpty()) {
			return null;
		}
		StringBuilder description = new StringBuilder("Invalid selector-wake-queue configuration:");
		problems.forEach((problem) -> description.append(System.lineSeparator()).append("    ").append(problem));
		return new FailureAnalysis(description.toString(),
				"Set each property listed above to an allowed value, or remove it to use its default.", cause);
	}

	private List<String> describeViolations(BindValidationException validation) {
		List<String> problems = new ArrayList<>();
		for (ObjectError error : validation.getValidationErrors()) {
			if (error instanceof FieldError fieldError) {
				PropertyConstraint constraint = PropertyConstraint.find(fieldError.getField());
				String property = (constraint != null) ? constraint.property()
						: SelectorWakeQueueProperties.PREFIX + "." + DataObjectPropertyName.toDashedForm(fieldError.getField());
				String allowed = (constraint != null) ? constraint.allowed() : fieldError.getDefaultMessage();
				ConfigurationProperty bound = findBound(validation, property);
				// Quote the value as written ('-1s'), not as converted ('PT-1S'), when the property was set.
				Object value = (bound != null) ? bound.getValue() : fieldError.getRejectedValue();
				Origin origin = (bound != null) ? bound.getOrigin() : Origin.from(fieldError);
				problems.add(problem(property, value, origin, allowed));
			}
			else {
				problems.add(error.getDefaultMessage());
			}
		}
		return problems;
	}

	private static ConfigurationProperty findBound(BindValidationException validation, String property) {
		ConfigurationPropertyName name = ConfigurationPropertyName.of(property);
		for (ConfigurationProperty bound : validation.getValidationErrors().getBoundProperties()) {
			if (bound.getName().equals(name)) {
				return bound;
			}
		}
		return null;
	}

	private String describe(BindException cause) {
		String property = cause.getName().toString();
		ConfigurationProperty bound = cause.getProperty();
		Object value = (bound != null) ? bound.getValue() : null;
		PropertyConstraint constraint = PropertyConstraint.find(property);
		String allowed = (constraint != null) ? constraint.allowed()
				: "a value of type " + cause.getTarget().getType();
		return problem(property, value, cause.getOrigin(), allowed);
	}

	private static String problem(String property, Object value, Origin origin, String allowed) {
		String from = (origin != null) ? " (from " + origin + ")" : "";
		return "Property '" + property + "' has the invalid value '" + value + "'" + from + "; allowed: " + allowed
				+ ".";
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
