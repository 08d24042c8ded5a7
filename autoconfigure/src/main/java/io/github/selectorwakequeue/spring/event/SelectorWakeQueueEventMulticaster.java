package io.github.selectorwakequeue.spring.event;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.spring.event.EventRouter.EventRoute;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.SimpleApplicationEventMulticaster;
import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;
import org.springframework.util.ErrorHandler;

/**
 * The {@code applicationEventMulticaster} that delivers application events to their listeners on the
 * {@link SelectorWakeQueue}'s reactor thread: one task per event, listeners in their {@code @Order}, events
 * in publish order. Listeners are resolved exactly as {@link SimpleApplicationEventMulticaster} resolves them.
 *
 * <h2>Routing</h2>
 * <ul>
 * <li>Events that must stay synchronous ({@link SynchronousEvents}) reach every listener on the publisher's
 * thread.</li>
 * <li>Listeners whose {@link ApplicationListener#supportsAsyncExecution()} is {@code false} (every
 * {@code @TransactionalEventListener}, which needs the publisher's transaction) and Spring's
 * {@code @RecordApplicationEvents} recorder run on the publisher's thread, after the event was queued for
 * the others.</li>
 * <li>All other listeners run on the reactor. An exception there is reported to the {@link ErrorHandler}
 * bean if there is one, else logged and counted by the queue; it stops neither the other listeners of that
 * event nor later events. On the publisher's thread, exceptions propagate to the publisher as with Spring's own
 * multicaster: the {@link ErrorHandler} bean is not applied there.</li>
 * <li>A listener that publishes from the reactor (or returns a value that Spring re-publishes) queues the
 * new event behind the current ones: it never runs nested and never waits. If the queue is full there,
 * the event runs inline (the queue's rule on its own thread).</li>
 * <li>When the queue does not accept an event: closed, the event is delivered on the publisher's thread
 * (nothing lost, nothing thrown); full, the queue's overflow policy applies, and a rejection is delivered
 * on the publisher's thread as Spring's multicaster does.</li>
 * </ul>
 *
 * <h2>Cost per event</h2> The route of an event (its listeners, split into reactor and publisher ones) is
 * computed once per event type and source type and cached until listeners are added or removed; the queue,
 * status, error handler and context propagation are resolved once, at the first event. Publishing then costs
 * one map lookup, one task object, one lock-free offer and, with context-propagation, one context capture.
 * Thread-safe; {@link #multicastEvent} never blocks.
 */
public final class SelectorWakeQueueEventMulticaster extends SimpleApplicationEventMulticaster
		implements ApplicationContextAware {

	private final EventRouter router;

	/**
	 * Routes by event type and source type. Replaced, never cleared, when listeners change: a route computed
	 * from the old listeners can then only land in the discarded map.
	 */
	private volatile Map<RouteKey, EventRoute> routes = new ConcurrentHashMap<>();

	/** False once a listener bean that is not a singleton is registered: its instance must be looked up per event. */
	private volatile boolean routesCacheable = true;

	private ClassLoader classLoader;

	private ConfigurableBeanFactory beanFactory;

	private ApplicationContext context;

	/**
	 * Creates the multicaster. Nothing is resolved until the first event: the bean is created early in the
	 * context refresh, before ordinary singletons.
	 * @param queue the queue to deliver on, started by whoever owns it (events it accepts before it starts wait
	 * in it); if there is no unique one, every event is delivered on its publisher's thread
	 * @param settings the routing settings, read once at the first event
	 * @param status where routing and counts are reported
	 * @param errorHandler the user's {@link ErrorHandler}, if any: it hears about failures on the reactor only
	 * @param observer wraps each delivery to a listener that runs off the publisher's thread, if there is a unique
	 * one
	 */
	public SelectorWakeQueueEventMulticaster(ObjectProvider<SelectorWakeQueue> queue,
			Supplier<EventRoutingSettings> settings, ObjectProvider<EventRoutingStatus> status,
			ObjectProvider<ErrorHandler> errorHandler, ObjectProvider<EventDeliveryObserver> observer) {
		this.router = new EventRouter(queue, settings, status, errorHandler, observer, this::invokeListener);
	}

	@Override
	public void setBeanClassLoader(ClassLoader classLoader) {
		super.setBeanClassLoader(classLoader);
		this.classLoader = classLoader;
		this.router.setClassLoader(classLoader);
	}

	@Override
	public void setApplicationContext(ApplicationContext applicationContext) {
		this.context = applicationContext;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		super.setBeanFactory(beanFactory);
		this.beanFactory = (ConfigurableBeanFactory) beanFactory;
	}

	@Override
	public void multicastEvent(ApplicationEvent event, ResolvableType eventType) {
		ResolvableType type = (eventType != null) ? eventType : ResolvableType.forInstance(event);
		this.router.multicast(event, route(event, type));
		if (event instanceof ContextRefreshedEvent refreshed && refreshed.getApplicationContext() == this.context) {
			this.router.prepareLanes(getApplicationListeners());
		}
	}

	private EventRoute route(ApplicationEvent event, ResolvableType type) {
		Object source = event.getSource();
		Class<?> sourceType = (source != null) ? source.getClass() : null;
		RouteKey key = new RouteKey(type, sourceType);
		Map<RouteKey, EventRoute> cache = this.routes;
		EventRoute route = cache.get(key);
		if (route == null) {
			route = this.router.route(event, type, getApplicationListeners(event, type));
			if (this.routesCacheable && isCacheSafe(event, sourceType)) {
				cache.putIfAbsent(key, route);
			}
		}
		return route;
	}

	private boolean isCacheSafe(ApplicationEvent event, Class<?> sourceType) {
		ClassLoader loader = this.classLoader;
		if (loader == null) {
			return true;
		}
		return ClassUtils.isCacheSafe(event.getClass(), loader)
				&& (sourceType == null || ClassUtils.isCacheSafe(sourceType, loader))
				&& (!(event instanceof PayloadApplicationEvent<?> payloadEvent)
						|| ClassUtils.isCacheSafe(payloadEvent.getPayload().getClass(), loader));
	}

	// ---- listener changes invalidate the routes ------------------------------------------------------

	@Override
	public void addApplicationListener(ApplicationListener<?> listener) {
		super.addApplicationListener(listener);
		invalidateRoutes();
	}

	@Override
	public void addApplicationListenerBean(String listenerBeanName) {
		super.addApplicationListenerBean(listenerBeanName);
		if (!isSingleton(listenerBeanName)) {
			this.routesCacheable = false;
		}
		invalidateRoutes();
	}

	@Override
	public void removeApplicationListener(ApplicationListener<?> listener) {
		super.removeApplicationListener(listener);
		invalidateRoutes();
	}

	@Override
	public void removeApplicationListenerBean(String listenerBeanName) {
		super.removeApplicationListenerBean(listenerBeanName);
		invalidateRoutes();
	}

	@Override
	public void removeApplicationListeners(Predicate<ApplicationListener<?>> predicate) {
		super.removeApplicationListeners(predicate);
		invalidateRoutes();
	}

	@Override
	public void removeApplicationListenerBeans(Predicate<String> predicate) {
		super.removeApplicationListenerBeans(predicate);
		invalidateRoutes();
	}

	@Override
	public void removeAllListeners() {
		super.removeAllListeners();
		invalidateRoutes();
	}

	private void invalidateRoutes() {
		this.routes = new ConcurrentHashMap<>();
	}

	private boolean isSingleton(String beanName) {
		try {
			return this.beanFactory == null || this.beanFactory.isSingleton(beanName);
		}
		catch (NoSuchBeanDefinitionException ex) {
			return false;
		}
	}

	private record RouteKey(ResolvableType eventType, Class<?> sourceType) {
	}

}
