package io.github.selectorwakequeue.spring.event;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.spring.event.EventContextPropagation.Scope;
import io.github.selectorwakequeue.spring.event.EventDelivery.ListenerFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;
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
 * event nor later events. On the publisher's thread, exceptions behave as with Spring's own multicaster.</li>
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
public final class SelectorWakeQueueEventMulticaster extends SimpleApplicationEventMulticaster {

	private static final Logger logger = LoggerFactory.getLogger(SelectorWakeQueueEventMulticaster.class);

	private static final ApplicationListener<?>[] NO_LISTENERS = {};

	private final ObjectProvider<SelectorWakeQueue> queue;

	private final Supplier<EventRoutingSettings> settings;

	private final ObjectProvider<EventRoutingStatus> status;

	private final ObjectProvider<ErrorHandler> errorHandler;

	/** Resolved at the first event, then read once per event (one volatile read). */
	private final AtomicReference<Collaborators> collaborators = new AtomicReference<>();

	/**
	 * Routes by event type and source type. Replaced, never cleared, when listeners change: a route computed
	 * from the old listeners can then only land in the discarded map.
	 */
	private volatile Map<RouteKey, Route> routes = new ConcurrentHashMap<>();

	/** False once a listener bean that is not a singleton is registered: its instance must be looked up per event. */
	private volatile boolean routesCacheable = true;

	private ClassLoader classLoader;

	private ConfigurableBeanFactory beanFactory;

	/**
	 * Creates the multicaster. Nothing is resolved until the first event: the bean is created early in the
	 * context refresh, before ordinary singletons.
	 * @param queue the queue to deliver on, started by whoever owns it (events it accepts before it starts wait
	 * in it); if there is no unique one, every event is delivered on its publisher's thread
	 * @param settings the routing settings, read once at the first event
	 * @param status where routing and counts are reported
	 * @param errorHandler the user's {@link ErrorHandler}, if any
	 */
	public SelectorWakeQueueEventMulticaster(ObjectProvider<SelectorWakeQueue> queue,
			Supplier<EventRoutingSettings> settings, ObjectProvider<EventRoutingStatus> status,
			ObjectProvider<ErrorHandler> errorHandler) {
		this.queue = Objects.requireNonNull(queue, "queue");
		this.settings = Objects.requireNonNull(settings, "settings");
		this.status = Objects.requireNonNull(status, "status");
		this.errorHandler = Objects.requireNonNull(errorHandler, "errorHandler");
	}

	@Override
	public void setBeanClassLoader(ClassLoader classLoader) {
		super.setBeanClassLoader(classLoader);
		this.classLoader = classLoader;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		super.setBeanFactory(beanFactory);
		this.beanFactory = (ConfigurableBeanFactory) beanFactory;
	}

	@Override
	public void multicastEvent(ApplicationEvent event, ResolvableType eventType) {
		ResolvableType type = (eventType != null) ? eventType : ResolvableType.forInstance(event);
		Collaborators resolved = collaborators();
		Route route = route(event, type, resolved);
		boolean queued = false;
		if (route.onReactor.length != 0) {
			queued = submit(new EventDelivery(this, event, route.onReactor, resolved.context.capture()), resolved.queue);
		}
		if (queued) {
			resolved.status.countAsync();
		}
		else {
			resolved.status.countSync();
		}
		for (ApplicationListener<?> listener : route.onPublisher) {
			invokeListener(listener, event);
		}
	}

	/**
	 * Hands a delivery to the queue.
	 * @return whether the queue accepted it (it runs on the reactor, or on the closing thread at shutdown)
	 */
	private boolean submit(EventDelivery delivery, SelectorWakeQueue queue) {
		if (queue.offer(delivery)) {
			return true;
		}
		if (queue.isClosed()) {
			delivery.deliverOnCurrentThread();
			return false;
		}
		try {
			// Full: the policy decides (caller-runs, discard, or reject); on the reactor it runs inline.
			queue.execute(delivery);
		}
		catch (RejectedExecutionException ex) {
			delivery.deliverOnCurrentThread();
		}
		return false;
	}

	/**
	 * Delivers, on the calling thread, a task that a queue returned undelivered from
	 * {@link SelectorWakeQueue#close(java.time.Duration)}, if it is one of this multicaster's event deliveries.
	 * Never throws: listener failures are logged. Called by whoever closes the queue.
	 * @param task a task the queue did not run
	 * @return whether the task was an event delivery (it has now been delivered)
	 */
	public static boolean deliverLeftover(Runnable task) {
		if (task instanceof EventDelivery delivery) {
			delivery.deliverOnCurrentThread();
			return true;
		}
		return false;
	}

	/** Runs on the reactor (or a closing or rejected publisher's thread): each listener, whatever the others do. */
	void deliver(ApplicationEvent event, ApplicationListener<?>[] listeners, Object context) {
		Scope scope = (context != null) ? this.collaborators.get().context().restore(context) : null;
		try {
			ListenerFailedException failure = null;
			for (ApplicationListener<?> listener : listeners) {
				try {
					invokeListener(listener, event);
				}
				catch (Throwable ex) {
					if (failure == null) {
						failure = new ListenerFailedException(listener, event, ex);
					}
					else {
						failure.addSuppressed(ex);
					}
				}
			}
			if (failure != null) {
				throw failure;
			}
		}
		finally {
			if (scope != null) {
				scope.close();
			}
		}
	}

	private Route route(ApplicationEvent event, ResolvableType type, Collaborators resolved) {
		Object source = event.getSource();
		Class<?> sourceType = (source != null) ? source.getClass() : null;
		RouteKey key = new RouteKey(type, sourceType);
		Map<RouteKey, Route> cache = this.routes;
		Route route = cache.get(key);
		if (route == null) {
			boolean publisherOnly = resolved.queue == null || resolved.synchronousEvents.test(event, type);
			route = Route.of(getApplicationListeners(event, type), publisherOnly, resolved.synchronousEvents);
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

	private Collaborators collaborators() {
		Collaborators resolved = this.collaborators.get();
		if (resolved == null) {
			// Resolved without a lock: bean lookups under our own lock could deadlock with a thread that holds
			// the singleton lock and publishes. A lost race only resolves the same singletons twice.
			this.collaborators.compareAndSet(null, resolveCollaborators());
			resolved = this.collaborators.get();
		}
		return resolved;
	}

	private Collaborators resolveCollaborators() {
		EventRoutingSettings routing = this.settings.get();
		EventRoutingStatus routingStatus = this.status.getIfAvailable(
				() -> new EventRoutingStatus("no EventRoutingStatus bean; counting privately"));
		ErrorHandler handler = this.errorHandler.getIfUnique();
		if (handler != null) {
			setErrorHandler(handler);
		}
		SelectorWakeQueue target = this.queue.getIfUnique();
		if (target != null) {
			routingStatus.activate();
		}
		else {
			String reason = "there is no unique SelectorWakeQueue bean (mark one @Primary)";
			routingStatus.deactivate(reason);
			logger.warn("Application events are delivered on their publisher's thread: {}", reason);
		}
		ClassLoader loader = (this.classLoader != null) ? this.classLoader : ClassUtils.getDefaultClassLoader();
		return new Collaborators(target, routingStatus,
				new SynchronousEvents(routing.synchronousTypes(), loader),
				EventContextPropagation.create(routing.propagateContext(), loader));
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

	/** The listeners of one event type and source type, split by the thread they run on, each in order. */
	private record Route(ApplicationListener<?>[] onReactor, ApplicationListener<?>[] onPublisher) {

		static Route of(Collection<ApplicationListener<?>> listeners, boolean publisherOnly, SynchronousEvents rules) {
			if (publisherOnly) {
				return new Route(NO_LISTENERS, listeners.toArray(NO_LISTENERS));
			}
			List<ApplicationListener<?>> onReactor = new ArrayList<>(listeners.size());
			List<ApplicationListener<?>> onPublisher = new ArrayList<>();
			for (ApplicationListener<?> listener : listeners) {
				(rules.requiresPublisherThread(listener) ? onPublisher : onReactor).add(listener);
			}
			return new Route(onReactor.toArray(NO_LISTENERS), onPublisher.toArray(NO_LISTENERS));
		}

	}

	private record Collaborators(SelectorWakeQueue queue, EventRoutingStatus status,
			SynchronousEvents synchronousEvents, EventContextPropagation context) {
	}

}
