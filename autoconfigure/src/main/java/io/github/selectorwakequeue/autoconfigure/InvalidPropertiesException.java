package io.github.selectorwakequeue.autoconfigure;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Every invalid {@code selector-wake-queue.*} property of one binding, those that could not be converted and those
 * out of range alike, in the order the properties are documented. Thrown by {@link InvalidPropertiesBindHandler};
 * {@link SelectorWakeQueueFailureAnalyzer} turns it into the start-up report.
 */
final class InvalidPropertiesException extends RuntimeException {

	private final List<InvalidProperty> properties;

	InvalidPropertiesException(List<InvalidProperty> properties) {
		this.properties = properties.stream()
			.sorted(Comparator.comparingInt(InvalidProperty::rank).thenComparing(InvalidProperty::property))
			.toList();
	}

	@Override
	public String getMessage() {
		return this.properties.stream().map(InvalidProperty::toString).collect(Collectors.joining(" "));
	}

	/**
	 * @return the invalid properties, at least one
	 */
	List<InvalidProperty> properties() {
		return this.properties;
	}

}
