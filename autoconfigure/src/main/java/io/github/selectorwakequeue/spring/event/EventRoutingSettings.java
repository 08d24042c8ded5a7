package io.github.selectorwakequeue.spring.event;

import java.util.List;
import java.util.Objects;

/**
 * How {@link SelectorWakeQueueEventMulticaster} routes events, as plain values: which extra event types stay on
 * the publisher's thread, which listeners stay there whatever the event, and whether the publisher's context is
 * carried to the listeners. Immutable.
 *
 * @param synchronousTypes event types (and their subclasses) always delivered on the publisher's thread, in
 * addition to Spring's context, application, availability and web-server events
 * @param propagateContext whether to capture the publisher's context (MDC, tracing, anything registered with
 * Micrometer's {@code ContextRegistry}) and restore it around the listeners; needs
 * {@code io.micrometer:context-propagation}
 * @param publisherThreadListeners listeners kept on the publisher's thread as if annotated with
 * {@link PublisherThread @PublisherThread}: listener ids ({@code @EventListener(id = ...)}, or Spring's default
 * {@code com.example.Orders.on(com.example.OrderPlaced)}), the names the endpoint shows
 * ({@code Orders.on(OrderPlaced)}), or {@code ApplicationListener} bean names
 */
public record EventRoutingSettings(List<Class<?>> synchronousTypes, boolean propagateContext,
		List<String> publisherThreadListeners) {

	/** No extra synchronous types or publisher-thread listeners; context propagated when context-propagation is on the class path. */
	public static final EventRoutingSettings DEFAULTS = new EventRoutingSettings(List.of(), true, List.of());

	/**
	 * Creates settings.
	 * @param synchronousTypes extra synchronous event types; copied
	 * @param propagateContext whether to propagate the publisher's context
	 * @param publisherThreadListeners listeners to keep on the publisher's thread; copied
	 */
	public EventRoutingSettings {
		synchronousTypes = List.copyOf(Objects.requireNonNull(synchronousTypes, "synchronousTypes"));
		publisherThreadListeners = List.copyOf(Objects.requireNonNull(publisherThreadListeners, "publisherThreadListeners"));
	}

	/**
	 * Creates settings that keep no listener on the publisher's thread by name.
	 * @param synchronousTypes extra synchronous event types; copied
	 * @param propagateContext whether to propagate the publisher's context
	 */
	public EventRoutingSettings(List<Class<?>> synchronousTypes, boolean propagateContext) {
		this(synchronousTypes, propagateContext, List.of());
	}

}
