package io.github.selectorwakequeue.spring.event;

import java.util.List;
import java.util.Objects;

/**
 * How {@link SelectorWakeQueueEventMulticaster} routes events, as plain values: which extra event types stay on
 * the publisher's thread, and whether the publisher's context is carried to the listeners. Immutable.
 *
 * @param synchronousTypes event types (and their subclasses) always delivered on the publisher's thread, in
 * addition to Spring's context, application, availability and web-server events
 * @param propagateContext whether to capture the publisher's context (MDC, tracing, anything registered with
 * Micrometer's {@code ContextRegistry}) and restore it around the listeners; needs
 * {@code io.micrometer:context-propagation}
 */
public record EventRoutingSettings(List<Class<?>> synchronousTypes, boolean propagateContext) {

	/** No extra synchronous types; context propagated when context-propagation is on the class path. */
	public static final EventRoutingSettings DEFAULTS = new EventRoutingSettings(List.of(), true);

	/**
	 * Creates settings.
	 * @param synchronousTypes extra synchronous event types; copied
	 * @param propagateContext whether to propagate the publisher's context
	 */
	public EventRoutingSettings {
		synchronousTypes = List.copyOf(Objects.requireNonNull(synchronousTypes, "synchronousTypes"));
	}

}
