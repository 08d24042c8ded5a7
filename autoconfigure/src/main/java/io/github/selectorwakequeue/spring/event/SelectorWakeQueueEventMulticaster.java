package io.github.selectorwakequeue.spring.event;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.spring.event.EventRouter.EventRoute;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.BeanFactory;
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
import org.springframework.core.ResolvableTypeProvider;
import org.springframework.util.ClassUtils;
import org.springframework.util.ErrorHandler;

/**
 * The {@code applicationEventMulticaster} that delivers application events to their listeners on the
 * {@link SelectorWakeQueue}'s reactor thread: one task per event, listeners in their {@code @Order}, events
 * in publish order. Listeners are resolved exactly as {@link SimpleApplicationEventMulticaster} resolves them, when an
 * event needs them: no listener bean is looked up ahead of time. The registrations are mirrored
 * ({@link ListenerRegistry}) to tell which listener an instance is (one lane per listener), and to describe the
 * listeners without creating any ({@link #describeListeners()}, and one INFO line per context once it is
 * refreshed).
 *
 * <h2>Routing</h2>
 * <ul>
 * <li>Events that must stay synchronous ({@link SynchronousEvents}) reach every listener on the publisher's
 * thread.</li>
 * <li>Listeners that need the publisher's thread ({@link PublisherThreadListeners}: those whose
 * {@link ApplicationListener#supportsAsyncExecution()} is {@code false}, such as every
 * {@code @TransactionalEventListener}; {@link PublisherThread @PublisherThread} ones and those named in
 * {@code selector-wake-queue.events.publisher-thread-listeners}; those of request- or session-scoped beans; the
 * tests' event recorders) run on the publisher's thread, after the event was queued for the others.</li>
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

	private static final Logger logger = LoggerFactory.getLogger(SelectorWakeQueueEventMulticaster.class);

	private final EventRouter router;

	private final ListenerRegistry registry = new ListenerRegistry();

	/** Listeners described next to this multicaster's own (Spring Modulith's transactional ones). */
	private volatile Supplier<List<RoutedListener>> alsoDescribed = List::of;

	/**
	 * Routes by event type and source type. Replaced, never cleared, when listeners change: a route computed
	 * from the old listeners can then only land in the discarded map.
	 */
	private volatile Map<Object, EventRoute> routes = new ConcurrentHashMap<>();

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
		this.router.setBeanFactory(this.beanFactory);
	}

	@Override
	public void multicastEvent(ApplicationEvent event, ResolvableType eventType) {
		this.router.multicast(event, route(event, eventType));
		if (event instanceof ContextRefreshedEvent refreshed && refreshed.getApplicationContext() == this.context) {
			refreshed();
		}
	}

	/**
	 * Once the context is refreshed: creates the lanes of the {@code @EventListener} methods (their meters then exist
	 * from the start; no bean is looked up), lets the endpoint describe the listeners, and logs where they run.
	 */
	private void refreshed() {
		ListenerRegistry.Snapshot registered = this.registry.snapshot();
		this.router.prepareLanes(registered);
		EventRoutingStatus status = this.router.status();
		if (status == null || !logger.isInfoEnabled() && !logger.isWarnEnabled()) {
			return;
		}
		status.describeListenersWith(this::describeListeners);
		List<RoutedListener> described = describeListeners();
		String contextName = (this.context != null) ? this.context.getId() : "application";
		logger.info("Application events of context '{}': {}", contextName, ListenerSummary.of(described));
		List<String> unmatched = this.router.unmatchedPublisherThreadListeners(this.router.knownNames(registered));
		if (!unmatched.isEmpty()) {
			logger.warn("selector-wake-queue.events.publisher-thread-listeners names no listener of context '{}': {} "
					+ "(use a listener id, the name /actuator/wakequeue shows, or a bean name)", contextName, unmatched);
		}
	}

	/**
	 * Describes where each listener of this multicaster runs and why, from what is known without creating a listener
	 * bean (see {@link EventRoutingStatus#listeners()}).
	 * @return the listeners; empty until an event has been routed
	 */
	public List<RoutedListener> describeListeners() {
		List<RoutedListener> described = new ArrayList<>(this.router.describe(this.registry.snapshot()));
		described.addAll(this.alsoDescribed.get());
		return described;
	}

	/**
	 * Adds listeners this multicaster does not hold to its description (a composing multicaster's own).
	 * @param listeners describes them when asked
	 */
	public void describeAlso(Supplier<List<RoutedListener>> listeners) {
		this.alsoDescribed = Objects.requireNonNull(listeners, "listeners");
	}

	/**
	 * The route of an event, from the cache when it can be. Most events' types follow from their classes alone (a
	 * payload published without a type hint, an event that is not a {@code ResolvableTypeProvider}): those are
	 * looked up by classes, compared by identity, before any {@link ResolvableType} is built or compared (the
	 * deep comparison of a payload's generic type was an eighth of the publisher's time).
	 */
	private EventRoute route(ApplicationEvent event, @Nullable ResolvableType eventType) {
		Object source = event.getSource();
		Class<?> sourceType = (source != null) ? source.getClass() : null;
		Map<Object, EventRoute> cache = this.routes;
		Object key = ClassKey.of(event, eventType, sourceType);
		if (key != null) {
			EventRoute route = cache.get(key);
			if (route != null) {
				return route;
			}
		}
		ResolvableType type = (eventType != null) ? eventType : ResolvableType.forInstance(event);
		if (key == null) {
			key = new RouteKey(type, sourceType);
		}
		EventRoute route = cache.get(key);
		if (route == null) {
			ListenerRegistry.Snapshot registered = this.registry.snapshot();
			route = this.router.route(event, type, getApplicationListeners(event, type), registered);
			if (route.isFinal() && registered.onlySingletonBeans(this.beanFactory) && isCacheSafe(event, sourceType)) {
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

	// ---- listener changes: mirrored (Spring keeps its registry to itself), and the routes invalidated ---------

	@Override
	public void addApplicationListener(ApplicationListener<?> listener) {
		synchronized (this.registry) {
			super.addApplicationListener(listener);
			this.registry.add(listener);
		}
		invalidateRoutes();
	}

	@Override
	public void addApplicationListenerBean(String listenerBeanName) {
		synchronized (this.registry) {
			super.addApplicationListenerBean(listenerBeanName);
			this.registry.addBean(listenerBeanName);
		}
		invalidateRoutes();
	}

	@Override
	public void removeApplicationListener(ApplicationListener<?> listener) {
		synchronized (this.registry) {
			super.removeApplicationListener(listener);
			this.registry.remove(listener);
		}
		listenersRemoved();
	}

	@Override
	public void removeApplicationListenerBean(String listenerBeanName) {
		synchronized (this.registry) {
			super.removeApplicationListenerBean(listenerBeanName);
			this.registry.removeBean(listenerBeanName);
		}
		listenersRemoved();
	}

	@Override
	public void removeApplicationListeners(Predicate<ApplicationListener<?>> predicate) {
		synchronized (this.registry) {
			super.removeApplicationListeners(predicate);
			this.registry.removeIf(predicate);
		}
		listenersRemoved();
	}

	@Override
	public void removeApplicationListenerBeans(Predicate<String> predicate) {
		synchronized (this.registry) {
			super.removeApplicationListenerBeans(predicate);
			this.registry.removeBeansIf(predicate);
		}
		listenersRemoved();
	}

	@Override
	public void removeAllListeners() {
		synchronized (this.registry) {
			super.removeAllListeners();
			this.registry.clear();
		}
		listenersRemoved();
	}

	private void listenersRemoved() {
		invalidateRoutes();
		this.router.forgetRemovedListeners(this.registry.snapshot());
	}

	private void invalidateRoutes() {
		this.routes = new ConcurrentHashMap<>();
	}

	private record RouteKey(ResolvableType eventType, Class<?> sourceType) {
	}

	/**
	 * An event type that its classes imply, compared by identity: the event's class, the payload's class for a
	 * payload event, and the source's class.
	 */
	private record ClassKey(Class<?> eventClass, @Nullable Class<?> payloadClass, @Nullable Class<?> sourceType) {

		/** The key, or {@code null} if the event's type is not implied by its classes (a type hint, generics). */
		static @Nullable ClassKey of(ApplicationEvent event, @Nullable ResolvableType eventType,
				@Nullable Class<?> sourceType) {
			if (event instanceof PayloadApplicationEvent<?> payloadEvent) {
				Object payload = payloadEvent.getPayload();
				if (eventType == null || payload instanceof ResolvableTypeProvider
						|| !(eventType.getType() instanceof ParameterizedType parameterized)
						|| parameterized.getRawType() != PayloadApplicationEvent.class) {
					return null;
				}
				Type[] arguments = parameterized.getActualTypeArguments();
				return (arguments.length == 1 && arguments[0] == payload.getClass())
						? new ClassKey(PayloadApplicationEvent.class, payload.getClass(), sourceType) : null;
			}
			if (event instanceof ResolvableTypeProvider
					|| (eventType != null && eventType.getType() != event.getClass())) {
				return null;
			}
			return new ClassKey(event.getClass(), null, sourceType);
		}

	}

}
