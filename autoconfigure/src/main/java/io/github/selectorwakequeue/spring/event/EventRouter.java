package io.github.selectorwakequeue.spring.event;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import io.github.selectorwakequeue.FanOut;
import io.github.selectorwakequeue.Lane;
import io.github.selectorwakequeue.OverflowPolicy;
import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.spring.event.EventContextPropagation.Scope;
import io.github.selectorwakequeue.spring.event.PublisherThreadListeners.Reasons;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.BeanCurrentlyInCreationException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ApplicationListenerMethodAdapter;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;
import org.springframework.util.ErrorHandler;

/**
 * Delivers one event to its already resolved, ordered listeners by the starter's rules (see
 * {@link SelectorWakeQueueEventMulticaster}): the listeners that may run asynchronously as one task on the
 * {@link SelectorWakeQueue}'s reactor, each in its own {@link Lane} (one lane per listener, named after it), the
 * others on the publisher's thread. Shared by every multicaster that
 * routes through the queue. Collaborators are resolved at the first event, without a lock.
 *
 * <p>Exceptions: on the publisher's thread they propagate to the caller of {@code publishEvent}, as with
 * Spring's own multicaster; on the reactor each listener runs whatever the others do, and a failure goes to the
 * user's {@link ErrorHandler} bean if there is one, else it is logged and counted by the queue. Thread-safe;
 * {@link #multicast} never blocks.
 */
public final class EventRouter {

	private static final Logger logger = LoggerFactory.getLogger(EventRouter.class);

	private static final ApplicationListener<?>[] NO_LISTENERS = {};

	private static final Lane[] NO_LANES = {};

	private final ListenerLanes lanes = new ListenerLanes();

	private final ObjectProvider<SelectorWakeQueue> queue;

	private final Supplier<EventRoutingSettings> settings;

	private final ObjectProvider<EventRoutingStatus> status;

	private final ObjectProvider<ErrorHandler> errorHandler;

	private final ObjectProvider<EventDeliveryObserver> observer;

	private final ListenerInvoker invoker;

	/** Resolved at the first event, then read once per event (one volatile read). */
	private final AtomicReference<Collaborators> collaborators = new AtomicReference<>();

	/** Set on the thread that resolves the collaborators, while it does. */
	private final ThreadLocal<Boolean> resolving = new ThreadLocal<>();

	/** Events delivered before the collaborators (and so the status) were known, not yet added to the status. */
	private final LongAdder syncBeforeReady = new LongAdder();

	private volatile ClassLoader classLoader;

	private volatile @Nullable ConfigurableBeanFactory beanFactory;

	/**
	 * Creates a router. Nothing is resolved until the first event.
	 * @param queue the queue to deliver on, started by whoever owns it; if there is no unique one, every event is
	 * delivered on its publisher's thread
	 * @param settings the routing settings, read once at the first event
	 * @param status where routing and counts are reported
	 * @param errorHandler the user's {@link ErrorHandler}, if any: it hears about failures on the reactor only
	 * @param observer wraps each delivery to a listener routed to the queue, if there is a unique one (a Micrometer
	 * observation, say)
	 * @param invoker how to call one listener
	 */
	public EventRouter(ObjectProvider<SelectorWakeQueue> queue, Supplier<EventRoutingSettings> settings,
			ObjectProvider<EventRoutingStatus> status, ObjectProvider<ErrorHandler> errorHandler,
			ObjectProvider<EventDeliveryObserver> observer, ListenerInvoker invoker) {
		this.queue = Objects.requireNonNull(queue, "queue");
		this.settings = Objects.requireNonNull(settings, "settings");
		this.status = Objects.requireNonNull(status, "status");
		this.errorHandler = Objects.requireNonNull(errorHandler, "errorHandler");
		this.observer = Objects.requireNonNull(observer, "observer");
		this.invoker = Objects.requireNonNull(invoker, "invoker");
	}

	/**
	 * Sets the class loader in which optional integrations and the web-server event type are looked up.
	 * @param classLoader the bean class loader
	 */
	public void setClassLoader(ClassLoader classLoader) {
		this.classLoader = classLoader;
	}

	/**
	 * Sets the bean factory the listeners come from: to tell which bean a listener instance belongs to, and read
	 * the scope of its bean. Nothing is looked up here.
	 * @param beanFactory the multicaster's bean factory
	 */
	void setBeanFactory(ConfigurableBeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	/**
	 * Splits an event's listeners by the thread they run on. The answer depends only on the event's type and
	 * the listeners, so a caller may cache it per event type and source type until its listeners change, if the
	 * route {@link EventRoute#isFinal() is final}.
	 * @param event the event
	 * @param type its resolved type
	 * @param listeners its listeners, in invocation order
	 * @param registered the multicaster's registrations now
	 * @return the route
	 */
	EventRoute route(ApplicationEvent event, ResolvableType type, Collection<ApplicationListener<?>> listeners,
			ListenerRegistry.Snapshot registered) {
		Collaborators resolved = collaborators();
		if (resolved == null) {
			return new EventRoute(NO_LISTENERS, NO_LANES, listeners.toArray(NO_LISTENERS), false);
		}
		if (resolved.queue == null || resolved.synchronousEvents.test(event, type)) {
			return new EventRoute(NO_LISTENERS, NO_LANES, listeners.toArray(NO_LISTENERS), true);
		}
		List<ApplicationListener<?>> onReactor = new ArrayList<>(listeners.size());
		List<Object> identities = new ArrayList<>(listeners.size());
		List<ApplicationListener<?>> onPublisher = new ArrayList<>();
		for (ApplicationListener<?> listener : listeners) {
			Object identity = registered.identityOf(listener, this.beanFactory);
			String reason = reasonFor(listener, identity, registered, resolved);
			if (reason != null) {
				onPublisher.add(listener);
				if (reason.equals(Reasons.TEST_RECORDER)) {
					TestRecorderPropagation.register(listener);
				}
			}
			else {
				onReactor.add(listener);
				identities.add(identity);
			}
		}
		Lane[] lanes = new Lane[onReactor.size()];
		for (int i = 0; i < lanes.length; i++) {
			lanes[i] = this.lanes.laneOf(identities.get(i), onReactor.get(i), resolved.queue);
		}
		return new EventRoute(onReactor.toArray(NO_LISTENERS), lanes, onPublisher.toArray(NO_LISTENERS), true);
	}

	private @Nullable String reasonFor(ApplicationListener<?> listener, Object identity,
			ListenerRegistry.Snapshot registered, Collaborators resolved) {
		return registered.reason(identity,
				() -> resolved.publisherThread.reasonFor(listener, beanNameOf(listener, identity, registered, resolved)));
	}

	/** The bean a listener belongs to: its own, or for an {@code @EventListener} method's adapter, the method's. */
	private @Nullable String beanNameOf(ApplicationListener<?> listener, Object identity,
			ListenerRegistry.Snapshot registered, Collaborators resolved) {
		String beanName = registered.beanNameOf(identity, this.beanFactory);
		return (beanName != null) ? beanName : resolved.publisherThread.methodBeanOf(listener);
	}

	/**
	 * Creates the lanes of the registered {@code @EventListener} methods that may run on the queue, so that their
	 * meters exist from the start. Looks no bean up: these listeners are registered as instances (Spring's adapters)
	 * and their methods say which events they take; other listeners get theirs at their first event through the
	 * queue. Called once the context is refreshed.
	 * @param registered the multicaster's registrations
	 */
	void prepareLanes(ListenerRegistry.Snapshot registered) {
		Collaborators resolved = collaborators();
		if (resolved == null || resolved.queue == null) {
			return;
		}
		for (ApplicationListener<?> listener : registered.instances()) {
			if (listener instanceof ApplicationListenerMethodAdapter adapter
					&& !resolved.synchronousEvents.receivesOnlySynchronousEvents(adapter)) {
				Object identity = registered.identityOf(listener, this.beanFactory);
				if (reasonFor(listener, identity, registered, resolved) == null) {
					this.lanes.laneOf(identity, listener, resolved.queue);
				}
			}
		}
	}

	/**
	 * Forgets the lanes of listeners that are no longer registered. Called after listeners are removed.
	 * @param registered the multicaster's registrations now
	 */
	void forgetRemovedListeners(ListenerRegistry.Snapshot registered) {
		this.lanes.forgetUnless((identity) -> registered.isRegistered(identity, this.beanFactory));
	}

	/**
	 * Describes where each registered listener runs and why, from what is known without creating a listener bean:
	 * the registered instances, and the definitions of listener beans that do not exist yet.
	 * @param registered the multicaster's registrations
	 * @return the listeners, instances first, each once; empty until the routing is ready
	 */
	List<RoutedListener> describe(ListenerRegistry.Snapshot registered) {
		Collaborators resolved = this.collaborators.get();
		if (resolved == null) {
			return List.of();
		}
		List<RoutedListener> described = new ArrayList<>();
		for (ApplicationListener<?> listener : registered.instances()) {
			Object identity = registered.identityOf(listener, this.beanFactory);
			String reason = reasonFor(listener, identity, registered, resolved);
			if (reason == null && resolved.synchronousEvents.receivesOnlySynchronousEvents(listener)) {
				reason = Reasons.FRAMEWORK_EVENTS;
			}
			described.add(describe(ListenerLanes.nameOf(listener), beanNameOf(listener, identity, registered, resolved),
					reason, resolved));
		}
		for (String beanName : registered.beansWithoutInstance(this.beanFactory)) {
			Class<?> type = (this.beanFactory != null) ? ListenerRegistry.Snapshot.typeOf(beanName, this.beanFactory) : null;
			String reason = resolved.publisherThread.reasonForBean(beanName, type);
			if (reason == null && type != null && resolved.synchronousEvents.receivesOnlySynchronousEvents(type)) {
				reason = Reasons.FRAMEWORK_EVENTS;
			}
			described.add(describe((type != null) ? type.getName() : beanName, beanName, reason, resolved));
		}
		return described;
	}

	private static RoutedListener describe(String name, @Nullable String bean, @Nullable String reason,
			Collaborators resolved) {
		boolean onQueue = reason == null && resolved.queue != null;
		return new RoutedListener(name, bean, onQueue ? RoutedListener.QUEUE : RoutedListener.PUBLISHER,
				(resolved.queue == null) ? "events are not routed through the queue" : reason);
	}

	/**
	 * @param names every id, name and bean name of the registered listeners, from {@link #knownNames}
	 * @return the configured {@code publisher-thread-listeners} entries that name none of them
	 */
	List<String> unmatchedPublisherThreadListeners(Set<String> names) {
		Collaborators resolved = this.collaborators.get();
		return (resolved != null) ? resolved.publisherThread.unmatched(names) : List.of();
	}

	/**
	 * @param registered the multicaster's registrations
	 * @return every listener id, listener name and bean name by which a registered listener can be named
	 */
	Set<String> knownNames(ListenerRegistry.Snapshot registered) {
		Set<String> names = new HashSet<>(registered.beanNames());
		for (ApplicationListener<?> listener : registered.instances()) {
			names.add(ListenerLanes.nameOf(listener));
			if (listener instanceof SmartApplicationListener smart) {
				names.add(smart.getListenerId());
			}
			Collaborators resolved = this.collaborators.get();
			String bean = (resolved != null)
					? beanNameOf(listener, registered.identityOf(listener, this.beanFactory), registered, resolved) : null;
			if (bean != null) {
				names.add(bean);
			}
		}
		return names;
	}

	/**
	 * @return the routing status, or {@code null} while the routing is not ready
	 */
	@Nullable EventRoutingStatus status() {
		Collaborators resolved = collaborators();
		return (resolved != null) ? resolved.status : null;
	}

	/**
	 * Delivers the event along its route: queues one task for the reactor's listeners (or, if the queue does not
	 * accept it, applies the rules for a closed or full queue), then invokes the publisher's listeners on the
	 * calling thread. Counts the event once, as async if the queue accepted it.
	 * @param event the event
	 * @param route its route, from {@link #route}
	 */
	void multicast(ApplicationEvent event, EventRoute route) {
		Collaborators resolved = collaborators();
		if (resolved == null) {
			multicastBeforeReady(event, route);
			return;
		}
		boolean queued = false;
		if (route.onReactor().length != 0) {
			queued = submit(new EventDelivery(this, event, route.onReactor(), route.lanes(),
					resolved.context.capture()), resolved.queue);
		}
		if (queued) {
			resolved.status.countAsync();
		}
		else {
			resolved.status.countSync();
		}
		for (ApplicationListener<?> listener : route.onPublisher()) {
			this.invoker.invoke(listener, event);
		}
	}

	/**
	 * Delivers an event published while the routing's collaborators cannot be resolved yet (see
	 * {@link #collaborators()}): on the calling thread, to every listener in order, as Spring's own multicaster
	 * does; counted on the publisher's thread once the status is known.
	 */
	private void multicastBeforeReady(ApplicationEvent event, EventRoute route) {
		this.syncBeforeReady.increment();
		Collaborators resolved = this.collaborators.get();
		if (resolved != null) {
			resolved.status.countSync(this.syncBeforeReady.sumThenReset());
		}
		for (ApplicationListener<?> listener : route.onPublisher()) {
			this.invoker.invoke(listener, event);
		}
	}

	/**
	 * Offers work to the queue. Under caller-runs (and on the reactor), a full queue keeps it in order behind the
	 * ring while its listeners' lanes have room ({@link SelectorWakeQueue#offerInOrder}), instead of running it on
	 * the publisher's thread beside the lanes' earlier events; under reject and discard a full queue refuses it, and
	 * the policy applies.
	 */
	private static boolean accept(SelectorWakeQueue queue, FanOut work) {
		return (queue.overflowPolicy() == OverflowPolicy.CALLER_RUNS || queue.isReactorThread())
				? queue.offerInOrder(work) : queue.offer(work);
	}

	/**
	 * Hands a delivery to the queue.
	 * @return whether the queue accepted it (it runs on its listeners' lanes, in order; or comes back at close)
	 */
	private static boolean submit(EventDelivery delivery, SelectorWakeQueue queue) {
		if (accept(queue, delivery)) {
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
	 * Prepares work that belongs to one listener (for example a Spring Modulith module listener's invocation after
	 * commit) for {@link #submit}: captures the calling thread's context now, restored around the work wherever it
	 * later runs. Never blocks.
	 * @param lane what the work belongs to (one listener): work of one lane runs one at a time, in the order it is
	 * submitted
	 * @param action the work
	 * @return the task to hand to {@link #submit}
	 */
	public ListenerTask prepare(Object lane, Runnable action) {
		Collaborators resolved = collaborators();
		if (resolved == null) {
			return new ListenerTask(this, lane, null, action, null);
		}
		Lane target = (resolved.queue != null) ? this.lanes.laneOf(lane, lane, resolved.queue) : null;
		return new ListenerTask(this, lane, target, action, resolved.context.capture());
	}

	/**
	 * Runs a prepared task in its listener's lane (on the reactor, or on a worker if that listener is slow), after
	 * everything submitted to this router before it (so after the earlier tasks of its lane). Never blocks. If the queue does not accept it, the rules for events apply: closed or
	 * rejected, it runs on the calling thread; full, the overflow policy decides (on the reactor, inline). A failure
	 * goes to the user's {@link ErrorHandler} bean if there is one, else the queue logs and counts it (on the calling
	 * thread: logged).
	 * @param task a task from {@link #prepare}
	 * @return whether the queue accepted it
	 */
	public boolean submit(ListenerTask task) {
		Collaborators resolved = collaborators();
		SelectorWakeQueue target = (resolved != null && task.parts() != 0) ? resolved.queue : null;
		if (target == null) {
			task.runOnCurrentThread();
			return false;
		}
		if (accept(target, task)) {
			return true;
		}
		if (!target.isClosed()) {
			try {
				target.execute(task);
				return false;
			}
			catch (RejectedExecutionException ex) {
				// delivered here, as a rejected event is
			}
		}
		task.runOnCurrentThread();
		return false;
	}

	/**
	 * Runs a {@link ListenerTask}'s work with its context, observed if it belongs to a lane of the queue, reporting
	 * a failure as for listeners on the reactor.
	 */
	void runTask(Runnable action, Lane lane, Object context) {
		Collaborators resolved = collaborators();
		if (resolved == null) {
			action.run();
			return;
		}
		Scope scope = (context != null) ? resolved.context().restore(context) : null;
		try {
			if (resolved.errorHandler == null) {
				runObserved(action, lane, resolved);
				return;
			}
			try {
				runObserved(action, lane, resolved);
			}
			catch (Throwable ex) {
				resolved.errorHandler.handleError(ex);
			}
		}
		finally {
			if (scope != null) {
				scope.close();
			}
		}
	}

	/**
	 * Runs on the reactor (or a closing or rejected publisher's thread): each listener, whatever the others do.
	 * @throws ListenerFailedException if a listener failed and no {@link ErrorHandler} took the failure
	 */
	void deliver(ApplicationEvent event, ApplicationListener<?>[] listeners, Lane[] lanes, Object context) {
		Collaborators resolved = this.collaborators.get();
		Scope scope = (context != null) ? resolved.context().restore(context) : null;
		try {
			ListenerFailedException failure = null;
			for (int i = 0; i < listeners.length; i++) {
				try {
					invokeReporting(listeners[i], event, lanes[i], resolved);
				}
				catch (Throwable ex) {
					if (failure == null) {
						failure = new ListenerFailedException(nameOf(listeners[i], lanes[i]), event, ex);
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

	/**
	 * Delivers the event to one listener, in its lane: with the publisher's context restored, observed if there is
	 * an {@link EventDeliveryObserver}, and a failure handed to the user's {@link ErrorHandler} if there is one.
	 * @throws ListenerFailedException if the listener failed and no {@link ErrorHandler} took the failure
	 */
	void deliverTo(ApplicationEvent event, ApplicationListener<?> listener, Lane lane, Object context) {
		Collaborators resolved = this.collaborators.get();
		Scope scope = (context != null) ? resolved.context().restore(context) : null;
		try {
			invokeReporting(listener, event, lane, resolved);
		}
		catch (Throwable ex) {
			throw new ListenerFailedException(nameOf(listener, lane), event, ex);
		}
		finally {
			if (scope != null) {
				scope.close();
			}
		}
	}

	/** The listener's name as its lane has it (with a {@code #2} suffix for a second listener of the same name). */
	private static String nameOf(ApplicationListener<?> listener, @Nullable Lane lane) {
		return (lane != null) ? lane.name() : ListenerLanes.nameOf(listener);
	}

	private void invokeReporting(ApplicationListener<?> listener, ApplicationEvent event, Lane lane,
			Collaborators resolved) {
		if (resolved.errorHandler == null) {
			invokeObserved(listener, event, lane, resolved);
			return;
		}
		try {
			invokeObserved(listener, event, lane, resolved);
		}
		catch (Throwable ex) {
			resolved.errorHandler.handleError(ex);
		}
	}

	/** Inside the observer (so that it sees the failure before the error handler does), if there is one. */
	private void invokeObserved(ApplicationListener<?> listener, ApplicationEvent event, Lane lane,
			Collaborators resolved) {
		if (resolved.observer == null || lane == null) {
			this.invoker.invoke(listener, event);
			return;
		}
		resolved.observer.observe(resolved.queue.name(), lane.name(), () -> this.invoker.invoke(listener, event));
	}

	private static void runObserved(Runnable action, Lane lane, Collaborators resolved) {
		if (resolved.observer == null || lane == null) {
			action.run();
			return;
		}
		resolved.observer.observe(resolved.queue.name(), lane.name(), action);
	}

	/**
	 * The collaborators, resolved at the first call that can resolve them; {@code null} while they cannot be: on a
	 * thread that is resolving them already (a bean post-processor that publishes while one of them is being
	 * created), or while one of them is being created further up this thread's stack. Such events are delivered as
	 * Spring's multicaster delivers them, and the next event tries again.
	 */
	private Collaborators collaborators() {
		Collaborators resolved = this.collaborators.get();
		if (resolved == null && this.resolving.get() == null) {
			// Resolved without a lock: bean lookups under our own lock could deadlock with a thread that holds
			// the singleton lock and publishes. A lost race only resolves the same singletons twice.
			this.resolving.set(Boolean.TRUE);
			try {
				this.collaborators.compareAndSet(null, resolveCollaborators());
			}
			catch (BeanCreationException ex) {
				if (!ex.contains(BeanCurrentlyInCreationException.class)) {
					throw ex;
				}
				logger.debug("Event routing not ready yet (a bean it needs is being created); "
						+ "delivering on the publisher's thread", ex);
				return null;
			}
			finally {
				this.resolving.remove();
			}
			resolved = this.collaborators.get();
			resolved.status.countSync(this.syncBeforeReady.sumThenReset());
		}
		return resolved;
	}

	private Collaborators resolveCollaborators() {
		EventRoutingSettings routing = this.settings.get();
		EventRoutingStatus routingStatus = this.status
			.getIfAvailable(() -> new EventRoutingStatus("no EventRoutingStatus bean; counting privately"));
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
		ConfigurableBeanFactory factory = this.beanFactory;
		EventListenerBeans methodBeans = (factory != null)
				? factory.getBeanProvider(EventListenerBeans.class).getIfUnique() : null;
		return new Collaborators(target, routingStatus, this.errorHandler.getIfUnique(),
				(target != null) ? this.observer.getIfUnique() : null,
				new SynchronousEvents(routing.synchronousTypes(), loader),
				new PublisherThreadListeners(routing.publisherThreadListeners(), factory, methodBeans),
				TestRecorderPropagation.decorate(EventContextPropagation.create(routing.propagateContext(), loader),
						loader));
	}

	/**
	 * The listeners of one event type and source type, split by the thread they run on, each in order.
	 * Immutable; obtained from {@link EventRouter#route}.
	 */
	public static final class EventRoute {

		private final ApplicationListener<?>[] onReactor;

		private final Lane[] lanes;

		private final ApplicationListener<?>[] onPublisher;

		private final boolean isFinal;

		EventRoute(ApplicationListener<?>[] onReactor, Lane[] lanes, ApplicationListener<?>[] onPublisher,
				boolean isFinal) {
			this.onReactor = onReactor;
			this.lanes = lanes;
			this.onPublisher = onPublisher;
			this.isFinal = isFinal;
		}

		/**
		 * @return {@code false} for a route computed before the routing was ready (every listener on the
		 * publisher's thread): it must not be cached
		 */
		public boolean isFinal() {
			return this.isFinal;
		}

		ApplicationListener<?>[] onReactor() {
			return this.onReactor;
		}

		Lane[] lanes() {
			return this.lanes;
		}

		ApplicationListener<?>[] onPublisher() {
			return this.onPublisher;
		}

	}

	private record Collaborators(SelectorWakeQueue queue, EventRoutingStatus status, ErrorHandler errorHandler,
			EventDeliveryObserver observer, SynchronousEvents synchronousEvents,
			PublisherThreadListeners publisherThread, EventContextPropagation context) {
	}

}
