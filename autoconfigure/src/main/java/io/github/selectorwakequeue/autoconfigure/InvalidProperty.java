package io.github.selectorwakequeue.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.origin.Origin;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * One {@code selector-wake-queue.*} property with a value that is not allowed, whether it could not be converted
 * ({@code capacity=lots}) or is out of range ({@code capacity=0}): the property, the value as written, where it was
 * set, and what is allowed. One line of the start-up report of {@link SelectorWakeQueueFailureAnalyzer}.
 *
 * @param property the full property name, such as {@code selector-wake-queue.capacity}
 * @param value the value as written, or {@code null} if it was not set (an invalid default)
 * @param origin where it was set (a file and line, a property source), or {@code null} if unknown
 * @param allowed what the property allows, in words
 */
record InvalidProperty(String property, @Nullable Object value, @Nullable Origin origin, String allowed) {

	/**
	 * A value that could not even be converted to the property's type.
	 * @param name the property's name
	 * @param bound the property as found in the environment, or {@code null}
	 * @param type the type it should have been converted to
	 * @return the invalid property
	 */
	static InvalidProperty unconvertible(ConfigurationPropertyName name, @Nullable ConfigurationProperty bound,
			Object type) {
		PropertyConstraint constraint = PropertyConstraint.find(name.toString());
		String allowed = (constraint != null) ? constraint.allowed() : "a value of type " + type;
		return new InvalidProperty(name.toString(), (bound != null) ? bound.getValue() : null,
				(bound != null) ? bound.getOrigin() : null, allowed);
	}

	/**
	 * The values {@link SelectorWakeQueueProperties#validate} rejected.
	 * @param validation the failure of the validation
	 * @return one invalid property per rejected value
	 */
	static List<InvalidProperty> rejected(BindValidationException validation) {
		List<InvalidProperty> invalid = new ArrayList<>();
		for (ObjectError error : validation.getValidationErrors()) {
			if (error instanceof FieldError fieldError) {
				PropertyConstraint constraint = PropertyConstraint.find(fieldError.getField());
				String property = (constraint != null) ? constraint.property()
						: SelectorWakeQueueProperties.PREFIX + "." + DataObjectPropertyName.toDashedForm(fieldError.getField());
				String allowed = (constraint != null) ? constraint.allowed() : String.valueOf(fieldError.getDefaultMessage());
				ConfigurationProperty bound = findBound(validation, property);
				// Quote the value as written ('-1s'), not as converted ('PT-1S'), when the property was set.
				Object value = (bound != null) ? bound.getValue() : fieldError.getRejectedValue();
				Origin origin = (bound != null) ? bound.getOrigin() : Origin.from(fieldError);
				invalid.add(new InvalidProperty(property, value, origin, allowed));
			}
			else {
				invalid.add(new InvalidProperty(SelectorWakeQueueProperties.PREFIX, null, null,
						String.valueOf(error.getDefaultMessage())));
			}
		}
		return invalid;
	}

	private static @Nullable ConfigurationProperty findBound(BindValidationException validation, String property) {
		ConfigurationPropertyName name = ConfigurationPropertyName.of(property);
		for (ConfigurationProperty bound : validation.getValidationErrors().getBoundProperties()) {
			if (bound.getName().equals(name)) {
				return bound;
			}
		}
		return null;
	}

	/**
	 * The position of the property in the report: as the properties are documented, unknown ones last.
	 * @return the property's {@link PropertyConstraint} ordinal, or {@code Integer.MAX_VALUE}
	 */
	int rank() {
		PropertyConstraint constraint = PropertyConstraint.find(this.property);
		return (constraint != null) ? constraint.ordinal() : Integer.MAX_VALUE;
	}

	/**
	 * @return one line: {@code Property 'x' has the invalid value 'v' (origin: o); allowed: a.}
	 */
	@Override
	public String toString() {
		String from = (this.origin != null) ? " (origin: " + this.origin + ")" : "";
		return "Property '" + this.property + "' has the invalid value '" + this.value + "'" + from + "; allowed: "
				+ this.allowed + ".";
	}

}
