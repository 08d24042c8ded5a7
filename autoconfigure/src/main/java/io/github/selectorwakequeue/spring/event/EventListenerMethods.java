package io.github.selectorwakequeue.spring.event;

import java.lang.reflect.Method;

import org.springframework.context.event.ApplicationListenerMethodAdapter;
import org.springframework.util.ReflectionUtils;

/**
 * The method an {@code @EventListener} listener calls, on every Spring Framework 7.0.x: Spring's
 * {@link ApplicationListenerMethodAdapter#getTargetMethod()} is public from 7.0.7 (Spring Boot 4.0.7) but protected
 * before, so a direct call fails with {@code IllegalAccessError} on Spring Boot 4.0.0 to 4.0.6. Called once per
 * listener, never per event. Thread-safe.
 */
public final class EventListenerMethods {

	/** {@code getTargetMethod()}, made accessible once (a reflection hint in {@link EventRoutingRuntimeHints}). */
	static final Method TARGET_METHOD = targetMethodAccessor();

	private EventListenerMethods() {
	}

	/**
	 * @param listener an {@code @EventListener} method's listener
	 * @return the method it calls, as declared on (or inherited by) its bean's class
	 */
	public static Method targetMethodOf(ApplicationListenerMethodAdapter listener) {
		return (Method) ReflectionUtils.invokeMethod(TARGET_METHOD, listener);
	}

	private static Method targetMethodAccessor() {
		Method method = ReflectionUtils.findMethod(ApplicationListenerMethodAdapter.class, "getTargetMethod");
		if (method == null) {
			throw new IllegalStateException("ApplicationListenerMethodAdapter.getTargetMethod() not found: this Spring "
					+ "Framework version is not supported by selector-wake-queue");
		}
		ReflectionUtils.makeAccessible(method);
		return method;
	}

}
