package io.github.selectorwakequeue.spring.event;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.context.event.SpringApplicationEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.context.event.ApplicationContextEvent;
import org.springframework.context.event.ApplicationListenerMethodAdapter;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;

/**
 * Which events stay on the publisher's thread whatever their listeners: those whose listeners rely on
 * running before {@code publishEvent} returns.
 * <ul>
 * <li>{@link ApplicationContextEvent} ({@code ContextRefreshedEvent}, {@code ContextClosedEvent}, ...):
 * executors and meter registries shut down on {@code ContextClosedEvent}, caches warm on refresh;</li>
 * <li>{@link SpringApplicationEvent} ({@code ApplicationStartedEvent}, {@code ApplicationReadyEvent}, ...):
 * start-up listeners expect to finish before the application counts as ready;</li>
 * <li>{@link AvailabilityChangeEvent}: readiness and liveness state must be current when the publisher
 * returns;</li>
 * <li>{@code WebServerInitializedEvent}: sets {@code local.server.port}, read right after;</li>
 * <li>the types listed in {@code selector-wake-queue.events.synchronous-types}.</li>
 * </ul>
 * Subclasses count; for a {@link PayloadApplicationEvent} the payload's class is checked too.
 *
 * <p>For every other event, a listener stays on the publisher's thread when it needs that thread's state:
 * <ul>
 * <li>its {@link ApplicationListener#supportsAsyncExecution()} is {@code false}: every
 * {@code @TransactionalEventListener}, which must see the publisher's transaction or the event is dropped;</li>
 * <li>it is Spring's {@code @RecordApplicationEvents} recorder, which stores events in a thread-local of the
 * test thread.</li>
 * </ul>
 */
final class SynchronousEvents {

	/** Looked up by name: Boot's web server module is optional (a type hint in {@link EventRoutingRuntimeHints}). */
	static final String WEB_SERVER_INITIALIZED_EVENT = "org.springframework.boot.web.server.context.WebServerInitializedEvent";

	private static final Set<String> THREAD_BOUND_LISTENERS = Set
		.of("org.springframework.test.context.event.ApplicationEventsApplicationListener");

	private final Class<?>[] types;

	SynchronousEvents(List<Class<?>> additionalTypes, ClassLoader classLoader) {
		List<Class<?>> all = new ArrayList<>(List.of(ApplicationContextEvent.class, SpringApplicationEvent.class,
				AvailabilityChangeEvent.class));
		if (ClassUtils.isPresent(WEB_SERVER_INITIALIZED_EVENT, classLoader)) {
			all.add(ClassUtils.resolveClassName(WEB_SERVER_INITIALIZED_EVENT, classLoader));
		}
		all.addAll(additionalTypes);
		this.types = all.toArray(new Class<?>[0]);
	}

	/**
	 * Whether an event must be delivered on the publisher's thread. Called once per event type and source
	 * type; the answer is cached with the route.
	 * @param event the event
	 * @param eventType its resolved type
	 * @return {@code true} to keep every listener of this event on the publisher's thread
	 */
	boolean test(ApplicationEvent event, ResolvableType eventType) {
		if (matches(event.getClass()) || matches(eventType.toClass())) {
			return true;
		}
		return event instanceof PayloadApplicationEvent<?> payloadEvent && matches(payloadEvent.getPayload().getClass());
	}

	/**
	 * Whether a listener must run on the publisher's thread. Called once per listener and route; the answer
	 * is cached with the route.
	 * @param listener the listener
	 * @return {@code true} to keep this listener on the publisher's thread
	 */
	boolean requiresPublisherThread(ApplicationListener<?> listener) {
		return !listener.supportsAsyncExecution() || THREAD_BOUND_LISTENERS.contains(listener.getClass().getName());
	}

	/**
	 * Whether an {@code @EventListener} method only ever receives events that stay on the publisher's thread: every
	 * type it declares (its {@code classes}, or its parameter) is one of them. Such a listener needs no lane.
	 * @param listener the listener
	 * @return {@code true} if no event it receives can go through the queue
	 */
	boolean receivesOnlySynchronousEvents(ApplicationListenerMethodAdapter listener) {
		Method method = listener.getTargetMethod();
		EventListener annotation = AnnotatedElementUtils.findMergedAnnotation(method, EventListener.class);
		Class<?>[] declared = (annotation != null) ? annotation.classes() : new Class<?>[0];
		if (declared.length == 0) {
			declared = method.getParameterTypes();
		}
		if (declared.length == 0) {
			return false;
		}
		for (Class<?> type : declared) {
			if (!matches(type)) {
				return false;
			}
		}
		return true;
	}

	private boolean matches(Class<?> candidate) {
		for (Class<?> type : this.types) {
			if (type.isAssignableFrom(candidate)) {
				return true;
			}
		}
		return false;
	}

}
