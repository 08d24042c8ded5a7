package io.github.selectorwakequeue.spring.event;

import java.lang.reflect.Method;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationListener;
import org.springframework.context.event.DefaultEventListenerFactory;
import org.springframework.context.event.EventListenerFactory;
import org.springframework.core.Ordered;

/**
 * Remembers which bean each {@code @EventListener} method's listener belongs to, which Spring keeps to itself: the
 * routing needs the bean's scope to keep listeners of request- or session-scoped beans on the publisher's thread,
 * and the endpoint shows it. An {@link EventListenerFactory} that creates exactly the listeners Spring's
 * {@link DefaultEventListenerFactory} creates (it delegates to one), just before it in order, so that
 * {@code @TransactionalEventListener}s and any factory of a higher precedence keep theirs.
 *
 * <p>Called by Spring's {@code EventListenerMethodProcessor} once per listener method, after the singletons are
 * created; read when a route is computed, never per event. Thread-safe; it holds its listeners weakly.
 */
public final class EventListenerBeans implements EventListenerFactory, Ordered {

	private final DefaultEventListenerFactory delegate = new DefaultEventListenerFactory();

	private final Map<ApplicationListener<?>, String> beanNames = Collections.synchronizedMap(new WeakHashMap<>());

	@Override
	public int getOrder() {
		return this.delegate.getOrder() - 1;
	}

	@Override
	public boolean supportsMethod(Method method) {
		return this.delegate.supportsMethod(method);
	}

	@Override
	public ApplicationListener<?> createApplicationListener(String beanName, Class<?> type, Method method) {
		ApplicationListener<?> listener = this.delegate.createApplicationListener(beanName, type, method);
		this.beanNames.put(listener, beanName);
		return listener;
	}

	/**
	 * @param listener a listener
	 * @return the name of the bean whose method it calls, or {@code null} if this factory did not create it
	 */
	@Nullable String beanNameOf(ApplicationListener<?> listener) {
		return this.beanNames.get(listener);
	}

}
