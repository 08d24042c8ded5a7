package io.github.selectorwakequeue.autoconfigure;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import io.github.selectorwakequeue.OverflowPolicy;
import io.github.selectorwakequeue.SelectorWakeQueue;

/**
 * What each {@code selector-wake-queue.*} property allows: checked by
 * {@link SelectorWakeQueueProperties#validate}, and quoted by {@link SelectorWakeQueueFailureAnalyzer} when a
 * value is out of range or cannot even be converted.
 */
enum PropertyConstraint {

	ENABLED("enabled", "enabled", "true or false", (properties) -> true),

	NAME("name", "name", "a non-blank text (it names the reactor thread and tags the metrics)",
			(properties) -> properties.getName() != null && !properties.getName().isBlank()),

	CAPACITY("capacity", "capacity", "a whole number between 1 and " + SelectorWakeQueue.MAX_CAPACITY,
			(properties) -> properties.getCapacity() >= 1 && properties.getCapacity() <= SelectorWakeQueue.MAX_CAPACITY),

	OVERFLOW_POLICY("overflow-policy", "overflowPolicy", "one of " + overflowPolicies(),
			(properties) -> properties.getOverflowPolicy() != null),

	SHUTDOWN_TIMEOUT("shutdown-timeout", "shutdownTimeout", "a duration of zero or more, such as 30s",
			(properties) -> notNegative(properties.getShutdownTimeout())),

	EVENTS_ENABLED("events.enabled", "events.enabled", "true or false", (properties) -> true),

	EVENTS_SYNCHRONOUS_TYPES("events.synchronous-types", "events.synchronousTypes",
			"a list of fully qualified names of classes on the class path", (properties) -> true),

	EVENTS_PROPAGATE_CONTEXT("events.propagate-context", "events.propagateContext", "true or false",
			(properties) -> true),

	EVENTS_MODULITH_ENABLED("events.modulith.enabled", "events.modulith.enabled", "true or false",
			(properties) -> true),

	EVENTS_OBSERVATIONS_ENABLED("events.observations.enabled", "events.observations.enabled", "true or false",
			(properties) -> true),

	LANES_ENABLED("lanes.enabled", "lanes.enabled", "true or false", (properties) -> true),

	LANES_SLOW_THRESHOLD("lanes.slow-threshold", "lanes.slowThreshold", "a positive duration, such as 250us",
			(properties) -> positive(properties.getLanes().getSlowThreshold())),

	LANES_STUCK_THRESHOLD("lanes.stuck-threshold", "lanes.stuckThreshold", "a positive duration, such as 100ms",
			(properties) -> positive(properties.getLanes().getStuckThreshold())),

	LANES_WORKERS("lanes.workers", "lanes.workers", "a whole number between 1 and 10000",
			(properties) -> properties.getLanes().getWorkers() >= 1 && properties.getLanes().getWorkers() <= 10_000),

	LANES_MAX_BACKLOG("lanes.max-backlog", "lanes.maxBacklog", "a whole number of at least 1",
			(properties) -> properties.getLanes().getMaxBacklog() >= 1),

	HEALTH_STALL_THRESHOLD("health.stall-threshold", "health.stallThreshold", "a positive duration, such as 10s",
			(properties) -> positive(properties.getHealth().getStallThreshold())),

	METRICS_TIMING_SAMPLE_EVERY("metrics.timing-sample-every", "metrics.timingSampleEvery",
			"a whole number of at least 1 (1 times every task)",
			(properties) -> properties.getMetrics().getTimingSampleEvery() >= 1);

	private final String property;

	private final String field;

	private final String allowed;

	private final Predicate<SelectorWakeQueueProperties> check;

	PropertyConstraint(String property, String field, String allowed, Predicate<SelectorWakeQueueProperties> check) {
		this.property = SelectorWakeQueueProperties.PREFIX + "." + property;
		this.field = field;
		this.allowed = allowed;
		this.check = check;
	}

	/**
	 * @return the full property name, such as {@code selector-wake-queue.capacity}
	 */
	String property() {
		return this.property;
	}

	/**
	 * @return the bean property path in {@link SelectorWakeQueueProperties}, such as {@code metrics.timingSampleEvery}
	 */
	String field() {
		return this.field;
	}

	/**
	 * @return what the property allows, in words
	 */
	String allowed() {
		return this.allowed;
	}

	boolean accepts(SelectorWakeQueueProperties properties) {
		return this.check.test(properties);
	}

	/**
	 * Finds the constraint of a property or bean path.
	 * @param name a property name ({@code selector-wake-queue.events.synchronous-types[0]}) or field path
	 * ({@code events.synchronousTypes})
	 * @return the constraint, or {@code null} if the name is not one of ours
	 */
	static PropertyConstraint find(String name) {
		int index = name.indexOf('[');
		String plain = (index >= 0) ? name.substring(0, index) : name;
		for (PropertyConstraint constraint : values()) {
			if (constraint.property.equals(plain) || constraint.field.equals(plain)) {
				return constraint;
			}
		}
		return null;
	}

	private static String overflowPolicies() {
		return Arrays.stream(OverflowPolicy.values())
			.map((policy) -> "'" + policy.name().toLowerCase(Locale.ROOT).replace('_', '-') + "'")
			.collect(Collectors.joining(", "));
	}

	private static boolean notNegative(Duration duration) {
		return duration != null && !duration.isNegative();
	}

	private static boolean positive(Duration duration) {
		return duration != null && !duration.isNegative() && !duration.isZero();
	}

}
