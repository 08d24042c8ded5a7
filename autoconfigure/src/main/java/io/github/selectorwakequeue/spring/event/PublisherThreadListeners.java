package io.github.selectorwakequeue.spring.event;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.config.Scope;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ApplicationListenerMethodAdapter;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Which listeners stay on the publisher's thread whatever the event, and why: those that need that thread's state.
 * <ul>
 * <li>{@link ApplicationListener#supportsAsyncExecution()} is {@code false}: every
 * {@code @TransactionalEventListener}, which needs the publisher's transaction or its event is dropped;</li>
 * <li>{@link PublisherThread @PublisherThread} on the method or its class, or on the listener's class;</li>
 * <li>listed in {@code selector-wake-queue.events.publisher-thread-listeners} (by listener id, by the name the
 * endpoint shows, or by bean name);</li>
 * <li>its bean lives in a thread-bound scope ({@code request}, {@code session}, a thread scope, a WebSocket
 * session), proxied or not: the scope is only active on the thread that serves the request;</li>
 * <li>it is a test's event recorder (Spring's {@code @RecordApplicationEvents}, Spring Modulith's
 * {@code PublishedEvents} and {@code Scenario}), which keeps its target in a thread-local of the test thread.</li>
 * </ul>
 * Asked once per listener when a route is computed, with what is known without creating a bean. Immutable.
 */
final class PublisherThreadListeners {

	/** Listeners that record into a thread-local of the test thread; kept by name: test support is optional. */
	static final Set<String> TEST_RECORDERS = Set.of("org.springframework.test.context.event.ApplicationEventsApplicationListener",
			"org.springframework.modulith.test.PublishedEventsParameterResolver$ThreadBoundApplicationListenerAdapter");

	/** Looked up by name: spring-tx is optional. */
	private static final String TRANSACTIONAL_LISTENER = "org.springframework.transaction.event.TransactionalApplicationListener";

	/** Scope implementations whose objects live in the current thread's state (request attributes, a thread-local). */
	private static final Set<String> THREAD_BOUND_SCOPE_TYPES = Set.of(
			"org.springframework.web.context.request.AbstractRequestAttributesScope",
			"org.springframework.context.support.SimpleThreadScope",
			"org.springframework.messaging.simp.SimpSessionScope");

	/** Names of thread-bound scopes, for a definition whose scope is not registered (yet). */
	private static final Set<String> THREAD_BOUND_SCOPE_NAMES = Set.of("request", "session", "thread", "websocket");

	private final List<String> listed;

	private final @Nullable ConfigurableBeanFactory beanFactory;

	private final @Nullable EventListenerBeans methodBeans;

	/**
	 * @param listed listener ids, endpoint names or bean names from
	 * {@code selector-wake-queue.events.publisher-thread-listeners}
	 * @param beanFactory the multicaster's bean factory, to read a listener bean's scope, or {@code null}
	 * @param methodBeans which bean each {@code @EventListener} method belongs to, or {@code null} if unknown
	 */
	PublisherThreadListeners(List<String> listed, @Nullable ConfigurableBeanFactory beanFactory,
			@Nullable EventListenerBeans methodBeans) {
		this.listed = List.copyOf(listed);
		this.beanFactory = beanFactory;
		this.methodBeans = methodBeans;
	}

	/**
	 * @param listener a listener instance
	 * @param beanName the bean it came from (for an {@code @EventListener} method, the method's), if known
	 * @return why it stays on the publisher's thread, or {@code null} if it may run on the queue
	 */
	@Nullable String reasonFor(ApplicationListener<?> listener, @Nullable String beanName) {
		if (!listener.supportsAsyncExecution()) {
			return Reasons.TRANSACTIONAL;
		}
		if (TEST_RECORDERS.contains(listener.getClass().getName())) {
			return Reasons.TEST_RECORDER;
		}
		if (isAnnotated(listener)) {
			return Reasons.ANNOTATED;
		}
		if (isListed(listener, beanName)) {
			return Reasons.LISTED;
		}
		String scope = (beanName != null) ? threadBoundScopeOf(beanName) : null;
		return (scope != null) ? Reasons.scope(scope) : null;
	}

	/**
	 * What can be said of a listener bean that does not exist yet, from its definition alone.
	 * @param beanName the listener bean's name
	 * @param type its type, if known
	 * @return why it stays on the publisher's thread, or {@code null} if it may run on the queue
	 */
	@Nullable String reasonForBean(String beanName, @Nullable Class<?> type) {
		if (type != null && ClassUtils.getAllInterfacesForClassAsSet(type)
			.stream()
			.anyMatch((candidate) -> candidate.getName().equals(TRANSACTIONAL_LISTENER))) {
			return Reasons.TRANSACTIONAL;
		}
		if (type != null && AnnotatedElementUtils.hasAnnotation(type, PublisherThread.class)) {
			return Reasons.ANNOTATED;
		}
		if (this.listed.contains(beanName)) {
			return Reasons.LISTED;
		}
		String scope = threadBoundScopeOf(beanName);
		return (scope != null) ? Reasons.scope(scope) : null;
	}

	@Nullable String methodBeanOf(ApplicationListener<?> listener) {
		return (this.methodBeans != null && listener instanceof ApplicationListenerMethodAdapter)
				? this.methodBeans.beanNameOf(listener) : null;
	}

	private static boolean isAnnotated(ApplicationListener<?> listener) {
		if (listener instanceof ApplicationListenerMethodAdapter adapter) {
			Method method = EventListenerMethods.targetMethodOf(adapter);
			return AnnotatedElementUtils.hasAnnotation(method, PublisherThread.class)
					|| AnnotatedElementUtils.hasAnnotation(method.getDeclaringClass(), PublisherThread.class);
		}
		return AnnotatedElementUtils.hasAnnotation(listener.getClass(), PublisherThread.class);
	}

	private boolean isListed(ApplicationListener<?> listener, @Nullable String beanName) {
		if (this.listed.isEmpty()) {
			return false;
		}
		if (beanName != null && !(listener instanceof ApplicationListenerMethodAdapter)
				&& this.listed.contains(beanName)) {
			return true;
		}
		String id = (listener instanceof SmartApplicationListener smart) ? smart.getListenerId() : "";
		return (StringUtils.hasLength(id) && this.listed.contains(id)) || this.listed.contains(ListenerLanes.nameOf(listener));
	}

	/**
	 * @param beanName a bean name
	 * @return the name of the thread-bound scope its bean (or, for a scoped proxy, its target) lives in, or
	 * {@code null}
	 */
	@Nullable String threadBoundScopeOf(String beanName) {
		if (!(this.beanFactory instanceof ConfigurableListableBeanFactory listable)) {
			return null;
		}
		try {
			String target = ScopedProxyUtils.getTargetBeanName(beanName);
			String definitionName = listable.containsBeanDefinition(target) ? target : beanName;
			if (!listable.containsBeanDefinition(definitionName)) {
				return null;
			}
			BeanDefinition definition = listable.getMergedBeanDefinition(definitionName);
			String scope = definition.getScope();
			if (!StringUtils.hasLength(scope) || definition.isSingleton() || definition.isPrototype()) {
				return null;
			}
			Scope registered = listable.getRegisteredScope(scope);
			if (registered == null) {
				return THREAD_BOUND_SCOPE_NAMES.contains(scope) ? scope : null;
			}
			return isThreadBound(registered.getClass()) ? scope : null;
		}
		catch (BeansException ex) {
			return null;
		}
	}

	private static boolean isThreadBound(Class<?> scopeType) {
		for (Class<?> type = scopeType; type != null && type != Object.class; type = type.getSuperclass()) {
			if (THREAD_BOUND_SCOPE_TYPES.contains(type.getName())) {
				return true;
			}
		}
		return false;
	}

	/**
	 * @param names every id, endpoint name and bean name of the listeners known now
	 * @return the configured entries that name none of them (a typo, or a listener added later)
	 */
	List<String> unmatched(Set<String> names) {
		return this.listed.stream().filter((entry) -> !names.contains(entry)).toList();
	}

	/** The reasons a listener stays on the publisher's thread, as the endpoint and the start-up line give them. */
	static final class Reasons {

		static final String TRANSACTIONAL = "transactional (supportsAsyncExecution() is false)";

		static final String TEST_RECORDER = "test event recorder (thread-bound)";

		static final String ANNOTATED = "@PublisherThread";

		static final String LISTED = "selector-wake-queue.events.publisher-thread-listeners";

		static final String FRAMEWORK_EVENTS = "receives only events that stay on the publisher's thread";

		static final String SCOPE_PREFIX = "thread-bound scope '";

		private Reasons() {
		}

		static String scope(String scope) {
			return SCOPE_PREFIX + scope + "'";
		}

	}

}
