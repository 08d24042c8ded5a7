package io.github.selectorwakequeue.sample.web;

import java.util.Objects;

/**
 * One request parameter with a value the endpoint does not accept, as shown in a 400 answer.
 *
 * @param name the parameter's name
 * @param value the value as sent
 * @param allowed the values it accepts, for example {@code 1 to 1000}
 */
public record InvalidParameter(String name, String value, String allowed) {

	public InvalidParameter {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(value, "value");
		Objects.requireNonNull(allowed, "allowed");
	}

	@Override
	public String toString() {
		return "'" + this.name + "' was '" + this.value + "', allowed: " + this.allowed;
	}

}
