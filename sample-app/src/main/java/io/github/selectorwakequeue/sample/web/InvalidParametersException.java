package io.github.selectorwakequeue.sample.web;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown by {@link ParameterCheck#orThrow()} before an endpoint does anything: names every parameter that is out
 * of range. {@link InvalidParametersAdvice} answers it with HTTP 400.
 */
public final class InvalidParametersException extends RuntimeException {

	private final List<InvalidParameter> parameters;

	InvalidParametersException(List<InvalidParameter> parameters) {
		super(parameters.stream().map(InvalidParameter::toString)
			.collect(Collectors.joining("; ", "Invalid request parameters: ", ".")));
		this.parameters = List.copyOf(parameters);
	}

	/**
	 * @return the offending parameters, in the order they were checked
	 */
	public List<InvalidParameter> parameters() {
		return this.parameters;
	}

}
