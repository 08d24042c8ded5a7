package io.github.selectorwakequeue.sample.web;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks the parameters of one request and collects every value out of range, so that a single 400 answer
 * names them all: call the checks, then {@link #orThrow()} before doing anything. Parameters arrive as text, so
 * that a value that is not a number is reported with the same allowed range as one that is too large. A parameter
 * that was not sent ({@code null}) takes its default; one sent empty ({@code count=}) is a value like any other,
 * and not allowed. One instance per request; not thread-safe.
 */
public final class ParameterCheck {

	private final List<InvalidParameter> invalid = new ArrayList<>();

	/**
	 * Checks a whole number.
	 * @param name the parameter's name
	 * @param value the value as sent, or {@code null} if the parameter was not sent
	 * @param ifAbsent the value when it was not sent
	 * @param min the smallest allowed value
	 * @param max the largest allowed value
	 * @return the value, or {@code min} if it is not allowed (recorded, so {@link #orThrow()} throws)
	 */
	public int intBetween(String name, String value, int ifAbsent, int min, int max) {
		return intBetween(name, value, ifAbsent, min, max, "");
	}

	/**
	 * Checks a whole number, explaining the range.
	 * @param name the parameter's name
	 * @param value the value as sent, or {@code null} if the parameter was not sent
	 * @param ifAbsent the value when it was not sent
	 * @param min the smallest allowed value
	 * @param max the largest allowed value
	 * @param why appended to the allowed range in the answer, for example {@code " (at least one per thread)"}
	 * @return the value, or {@code min} if it is not allowed (recorded, so {@link #orThrow()} throws)
	 */
	public int intBetween(String name, String value, int ifAbsent, int min, int max, String why) {
		if (value == null) {
			return ifAbsent;
		}
		try {
			int number = Integer.parseInt(value);
			if (number >= min && number <= max) {
				return number;
			}
		}
		catch (NumberFormatException ex) {
			// Empty, or not a whole number that fits an int: reported below like any other value out of range.
		}
		this.invalid.add(new InvalidParameter(name, value, min + " to " + max + why));
		return min;
	}

	/**
	 * Checks a text that must not be blank nor hold a control character (a NUL, a line break: nothing that could
	 * forge a log line).
	 * @param name the parameter's name
	 * @param value the value as sent, or {@code null} if the parameter was not sent
	 * @param ifAbsent the value when it was not sent
	 * @param maxLength the most characters allowed
	 * @return the value
	 */
	public String text(String name, String value, String ifAbsent, int maxLength) {
		if (value == null) {
			return ifAbsent;
		}
		if (value.isBlank() || value.length() > maxLength || value.chars().anyMatch(Character::isISOControl)) {
			this.invalid.add(new InvalidParameter(name, value,
					"1 to " + maxLength + " characters, not blank, no control characters"));
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
