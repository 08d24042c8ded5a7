package io.github.selectorwakequeue.autoconfigure;

import io.github.selectorwakequeue.SelectorWakeQueue;

/**
 * Customizes the builder of the auto-configured {@link SelectorWakeQueue} after the
 * {@code selector-wake-queue.*} properties have been applied and before the queue is built, so that an application
 * can change, for example, the reactor's thread factory or the error handler without replacing the queue bean
 * (and losing its lifecycle, timers and metrics). Beans of this type are applied in their {@code @Order}.
 * Replacing the builder's {@code taskTimings} detaches the {@code wakequeue.wait} and {@code wakequeue.execution}
 * timers.
 */
@FunctionalInterface
public interface SelectorWakeQueueBuilderCustomizer {

	/**
	 * Customizes the builder. Called once, on the thread creating the queue bean.
	 * @param builder the builder, with the properties already applied
	 */
	void customize(SelectorWakeQueue.Builder builder);

}
