package io.github.selectorwakequeue.spring.event;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Keeps a listener on the publisher's thread, with Spring's own semantics: it runs inside {@code publishEvent},
 * before it returns, in the publisher's transaction and with its thread-locals (request, security and locale
 * context, MDC), in {@code @Order} with the other listeners that stay there; and its exception propagates to the
 * publisher (rolling back a transaction that does not catch it). Every other listener of the same event still runs
 * on the queue.
 *
 * <p>Put it on an {@code @EventListener} method, or on a class: every {@code @EventListener} method of that class,
 * or the class itself when it implements {@code ApplicationListener}. The property
 * {@code selector-wake-queue.events.publisher-thread-listeners} does the same for listeners you cannot annotate.
 * Read once per listener, when its first route is computed: never per event.
 *
 * @see SelectorWakeQueueEventMulticaster
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface PublisherThread {

}
