package io.github.selectorwakequeue.spring.event;

import org.springframework.util.ClassUtils;

/**
 * Carries the publisher's thread-local context (MDC, tracing, ...) to the reactor thread: captured when an
 * event is published, restored around its listeners. Without {@code io.micrometer:context-propagation} on the
 * class path, or with {@code selector-wake-queue.events.propagate-context=false}, it captures nothing and costs
 * nothing.
 */
interface EventContextPropagation {

	/** Propagates nothing. */
	EventContextPropagation NONE = () -> null;

	/**
	 * Micrometer's context snapshots, looked up by name as is {@link #MDC_CLASS}: both are optional (type hints in
	 * {@link EventRoutingRuntimeHints}).
	 */
	String CONTEXT_SNAPSHOT_FACTORY_CLASS = "io.micrometer.context.ContextSnapshotFactory";

	/** SLF4J's MDC, whose values are propagated when it is present. */
	String MDC_CLASS = "org.slf4j.MDC";

	/**
	 * Captures the calling thread's context. Called on the publisher's thread, once per event routed to the
	 * reactor: must be cheap and must not block.
	 * @return the captured context, or {@code null} when there is nothing to restore
	 */
	Object capture();

	/**
	 * Sets a captured context on the calling thread.
	 * @param captured what {@link #capture()} returned, never {@code null}
	 * @return restores the thread's previous context when closed
	 */
	default Scope restore(Object captured) {
		return Scope.NOOP;
	}

	/**
	 * Picks the propagation for this class path.
	 * @param enabled whether propagation is wanted
	 * @param classLoader the class loader to look for context-propagation in
	 * @return Micrometer-based propagation, or {@link #NONE}
	 */
	static EventContextPropagation create(boolean enabled, ClassLoader classLoader) {
		if (enabled && ClassUtils.isPresent(CONTEXT_SNAPSHOT_FACTORY_CLASS, classLoader)) {
			return new MicrometerEventContextPropagation(ClassUtils.isPresent(MDC_CLASS, classLoader));
		}
		return NONE;
	}

	/** Undoes a {@link #restore}. */
	interface Scope extends AutoCloseable {

		/** Does nothing. */
		Scope NOOP = () -> {
		};

		@Override
		void close();

	}

}
