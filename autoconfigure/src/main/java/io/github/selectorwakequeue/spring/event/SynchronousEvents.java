package io.github.selectorwakequeue.spring.event;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.context.event.SpringApplicationEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.context.event.ApplicationContextEvent;
import org.springframework.context.event.ApplicationListenerMethodAdapter;
import org.springframework.context.event.EventListener;
import org.springframework.context.event.GenericApplicationListener;
import org.springframework.context.event.SmartApplicationListener;
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
 * <li>{@code TestContextEvent} (Spring's test-step events, {@code @BeforeTestMethod} and the others): a listener of
 * one prepares or checks the test step it belongs to, which goes on when the publisher returns;</li>
 * <li>the types listed in {@code selector-wake-queue.events.synchronous-types}.</li>
 * </ul>
 * Subclasses count; for a {@link PayloadApplicationEvent} the payload's class is checked too. Which listeners stay
 * on the publisher's thread whatever the event is {@link PublisherThreadListeners}' business.
 */
final class SynchronousEvents {

	/** Looked up by name: Boot's web server module is optional (a type hint in {@link EventRoutingRuntimeHints}). */
	static final String WEB_SERVER_INITIALIZED_EVENT = "org.springframework.boot.web.server.context.WebServerInitializedEvent";

	/** Looked up by name: spring-test is on the class path only in tests. */
	static final String TEST_CONTEXT_EVENT = "org.springframework.test.context.event.TestContextEvent";

	private final Class<?>[] types;

	SynchronousEvents(List<Class<?>> additionalTypes, ClassLoader classLoader) {
		List<Class<?>> all = new ArrayList<>(List.of(ApplicationContextEvent.class, SpringApplicationEvent.class,
				AvailabilityChangeEvent.class));
		for (String optional : new String[] { WEB_SERVER_INITIALIZED_EVENT, TEST_CONTEXT_EVENT }) {
			if (ClassUtils.isPresent(optional, classLoader)) {
				all.add(ClassUtils.resolveClassName(optional, classLoader));
			}
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
	 * Whether a listener only ever receives events that stay on the publisher's thread, as far as its declaration
	 * says: an {@code @EventListener} method's declared types, or an {@code ApplicationListener}'s generic event
	 * type. A listener that decides at run time ({@link SmartApplicationListener}) may receive any.
	 * @param listener the listener
	 * @return {@code true} if no event it receives can go through the queue
	 */
	boolean receivesOnlySynchronousEvents(ApplicationListener<?> listener) {
		if (listener instanceof ApplicationListenerMethodAdapter adapter) {
			return receivesOnlySynchronousEvents(adapter);
		}
		return !(listener instanceof SmartApplicationListener) && receivesOnlySynchronousEvents(listener.getClass());
	}

	/**
	 * @param listenerType an {@code ApplicationListener} class
	 * @return whether its declared event type is one that stays on the publisher's thread
	 */
	boolean receivesOnlySynchronousEvents(Class<?> listenerType) {
		if (SmartApplicationListener.class.isAssignableFrom(listenerType)
				|| GenericApplicationListener.class.isAssignableFrom(listenerType)) {
			return false;
		}
		Class<?> eventType = ResolvableType.forClass(listenerType).as(ApplicationListener.class).getGeneric().resolve();
		return eventType != null && matches(eventType);
	}

	/**
	 * Whether an {@code @EventListener} method only ever receives events that stay on the publisher's thread: every
	 * type it declares (its {@code classes}, or its parameter) is one of them. Such a listener needs no lane.
	 * @param listener the listener
	 * @return {@code true} if no event it receives can go through the queue
	 */
	boolean receivesOnlySynchronousEvents(ApplicationListenerMethodAdapter listener) {
		Method method = EventListenerMethods.targetMethodOf(listener);
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
