package io.github.selectorwakequeue.sample.web;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks the parameters of one request and collects every value out of range, so that a single 400 answer
 * names them all: call the checks, then {@link #orThrow()} before doing anything. Parameters arrive as text, so
 * that a value that is not a number is reported with the same allowed range as one that is too large. One
 * instance per request; not thread-safe.
 */
public final class ParameterCheck {

	private final List<InvalidParameter> invalid = new ArrayList<>();

	/**
	 * Checks a whole number.
	 * @param name the parameter's name
	 * @param value the value as sent
	 * @param min the smallest allowed value
	 * @param max the largest allowed value
	 * @return the value, or {@code min} if it is not allowed (recorded, so {@link #orThrow()} throws)
	 */
	public int intBetween(String name, String value, int min, int max) {
		return intBetween(name, value, min, max, "");
	}

	/**
	 * Checks a whole number, explaining the range.
	 * @param name the parameter's name
	 * @param value the value as sent
	 * @param min the smallest allowed value
	 * @param max the largest allowed value
	 * @param why appended to the allowed range in the answer, for example {@code " (at least one per thread)"}
	 * @return the value, or {@code min} if it is not allowed (recorded, so {@link #orThrow()} throws)
	 */
	public int intBetween(String name, String value, int min, int max, String why) {
		try {
			int number = Integer.parseInt(value);
			if (number >= min && number <= max) {
				return number;
			}
		}
		catch (NumberFormatException ex) {
			// Not a whole number that fits an int: reported below like any other value out of range.
		}
		this.invalid.add(new InvalidParameter(name, value, min + " to " + max + why));
		return min;
	}

	/**
	 * Checks a text that must not be blank.
	 * @param name the parameter's name
	 * @param value the value as sent
	 * @param maxLength the most characters allowed
	 * @return the value
	 */
	public String text(String name, String value, int maxLength) {
		if (value.isBlank() || value.length() > maxLength) {
			this.invalid.add(new InvalidParameter(name, value, "1 to " + maxLength + " characters, not blank"));
		}
		return value;
	}

	/**
	 * Throws if any checked value was not allowed.
	 * @throws InvalidParametersException naming each of them
	 */
	public void orThrow() {
		if (!this.invalid.isEmpty()) {
			throw new InvalidParametersException(this.invalid);
		}
	}

}
