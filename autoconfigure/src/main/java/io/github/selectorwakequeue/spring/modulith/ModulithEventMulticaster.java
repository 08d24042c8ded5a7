package io.github.selectorwakequeue.spring.modulith;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.spring.event.EventListenerMethods;
import io.github.selectorwakequeue.spring.event.RoutedListener;
import io.github.selectorwakequeue.spring.event.SelectorWakeQueueEventMulticaster;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ApplicationListenerMethodAdapter;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;
import org.springframework.modulith.events.core.EventPublicationRegistry;
import org.springframework.modulith.events.support.PersistentApplicationEventMulticaster;
import org.springframework.transaction.event.TransactionalApplicationListener;

/**
 * Spring Modulith's {@link PersistentApplicationEventMulticaster} with the starter's routing for the listeners
 * Modulith does not track: the {@code applicationEventMulticaster} when both are present.
 *
 * <p>Listeners are split when they register:
 * <ul>
 * <li>transactional listeners ({@link TransactionalApplicationListener}: every {@code @TransactionalEventListener}
 * and {@code @ApplicationModuleListener}) stay with Modulith's own code, unchanged: it stores a publication for each
 * after-commit one when the event is published, invokes them on the publisher's thread (they register with the
 * transaction), and resubmits incomplete publications. Module listeners then run on the queue in commit order
 * (see {@link ModuleListenerDispatcher});</li>
 * <li>every other listener is routed by a {@link SelectorWakeQueueEventMulticaster}: on the reactor in publish
 * order, or on the publisher's thread for framework events, {@code synchronous-types} and listeners that do not
 * support asynchronous execution, with the same rules as without Modulith.</li>
 * </ul>
 * An event goes to Modulith's part first (its publications are stored before anything else sees the event), then to
 * the routed part. So on the publisher's thread the transactional listeners run before the others, whatever their
 * {@code @Order}; they only register with the transaction there, unless no transaction is active and they fall back
 * to running at once. Thread-safe; {@link #multicastEvent} never blocks.
 */
public final class ModulithEventMulticaster extends PersistentApplicationEventMulticaster
		implements ApplicationContextAware {

	private final SelectorWakeQueueEventMulticaster others;

	private final ModuleListenerDispatcher moduleListeners;

	private ConfigurableBeanFactory beanFactory;

	/** Listener beans handed to the routed part, to move to Modulith's part if their instance is transactional. */
	private final Set<String> routedBeans = ConcurrentHashMap.newKeySet();

	/**
	 * Transactional listener instances whose bean (if they are one) may still be registered with the routed part:
	 * Spring registers a listener bean's name before it creates the bean, whose declared type may not say that it is
	 * transactional ({@code ApplicationListener<PayloadApplicationEvent<X>>} made by
	 * {@code TransactionalApplicationListener.forPayload}), and hands over the instance before the bean is
	 * registered as a singleton.
	 */
	private final Set<ApplicationListener<?>> unplaced = ConcurrentHashMap.newKeySet();

	private volatile boolean placing;

	/** The transactional listener instances this part keeps, for their description. */
	private final Set<ApplicationListener<?>> transactional = ConcurrentHashMap.newKeySet();

	private final ModuleListenerMethods moduleListenerMethods = new ModuleListenerMethods();

	/**
	 * Creates the multicaster with the collaborators Modulith gives its own.
	 * @param registry Modulith's event publication registry, looked up when first needed
	 * @param environment the environment, looked up when first needed
	 * @param others routes the listeners that are not transactional through the {@link SelectorWakeQueue}
	 * @param moduleListeners runs module listeners on the queue in commit order
	 */
	public ModulithEventMulticaster(Supplier<EventPublicationRegistry> registry, Supplier<Environment> environment,
			SelectorWakeQueueEventMulticaster others, ModuleListenerDispatcher moduleListeners) {
		super(registry, environment);
		this.others = Objects.requireNonNull(others, "others");
		this.moduleListeners = Objects.requireNonNull(moduleListeners, "moduleListeners");
		this.others.describeAlso(this::describeTransactionalListeners);
	}

	/**
	 * The transactional listeners this part keeps, for the start-up line and the endpoint: module listeners run on
	 * the queue after commit, the others on the publisher's thread (they register with its transaction).
	 */
	private List<RoutedListener> describeTransactionalListeners() {
		List<RoutedListener> described = new ArrayList<>();
		for (ApplicationListener<?> listener : this.transactional) {
			boolean moduleListener = listener instanceof ApplicationListenerMethodAdapter adapter
					&& this.moduleListenerMethods.isModuleListener(EventListenerMethods.targetMethodOf(adapter), null);
			described.add(moduleListener
					? new RoutedListener(RoutedListener.nameOf(listener), null, RoutedListener.QUEUE,
							"module listener: after commit, in commit order")
					: new RoutedListener(RoutedListener.nameOf(listener), null, RoutedListener.PUBLISHER,
							"transactional (registers with the publisher's transaction)"));
		}
		return described;
	}

	@Override
	public void setBeanClassLoader(ClassLoader classLoader) {
		super.setBeanClassLoader(classLoader);
		this.others.setBeanClassLoader(classLoader);
		this.moduleListeners.setClassLoader(classLoader);
	}

	@Override
	public void setApplicationContext(ApplicationContext applicationContext) {
		this.others.setApplicationContext(applicationContext);
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		super.setBeanFactory(beanFactory);
		this.others.setBeanFactory(beanFactory);
		this.beanFactory = (ConfigurableBeanFactory) beanFactory;
	}

	@Override
	public void multicastEvent(ApplicationEvent event) {
		multicastEvent(event, null);
	}

	@Override
	public void multicastEvent(ApplicationEvent event, ResolvableType eventType) {
		ResolvableType type = (eventType != null) ? eventType : ResolvableType.forInstance(event);
		if (this.placing) {
			placeTransactionalBeans();
		}
		this.moduleListeners.joinTransaction();
		super.multicastEvent(event, type);
		this.others.multicastEvent(event, type);
	}

	// ---- listeners: transactional ones to Modulith, the others to the routing ---------------------------------

	@Override
	public void addApplicationListener(ApplicationListener<?> listener) {
		if (listener instanceof TransactionalApplicationListener<?>) {
			super.addApplicationListener(listener);
			this.transactional.add(listener);
			if (!(listener instanceof ApplicationListenerMethodAdapter) && !this.routedBeans.isEmpty()) {
				this.unplaced.add(listener);
				this.placing = true;
			}
		}
		else {
			this.others.addApplicationListener(listener);
		}
	}

	@Override
	public void addApplicationListenerBean(String listenerBeanName) {
		if (isTransactionalBean(listenerBeanName)) {
			super.addApplicationListenerBean(listenerBeanName);
		}
		else {
			this.routedBeans.add(listenerBeanName);
			this.others.addApplicationListenerBean(listenerBeanName);
		}
	}

	/**
	 * Moves the name of each transactional listener bean from the routed part to Modulith's, where its instance
	 * is, before the next event: registered once, with Spring's de-duplication and its filtering by the bean
	 * definition's generic type, exactly as with Modulith alone. An instance whose bean is not (yet) a registered
	 * singleton stays pending while a routed listener bean is being created; any other (a listener added by hand) is
	 * no bean's.
	 */
	private synchronized void placeTransactionalBeans() {
		if (!this.placing) {
			return;
		}
		boolean creating = false;
		for (String beanName : this.routedBeans) {
			if (this.beanFactory.containsSingleton(beanName)
					&& this.unplaced.remove(this.beanFactory.getSingleton(beanName))) {
				this.routedBeans.remove(beanName);
				this.others.removeApplicationListenerBean(beanName);
				super.addApplicationListenerBean(beanName);
			}
			else if (this.beanFactory.isCurrentlyInCreation(beanName)) {
				creating = true;
			}
		}
		if (!creating) {
			this.unplaced.clear();
		}
		this.placing = !this.unplaced.isEmpty();
	}

	@Override
	public void removeApplicationListener(ApplicationListener<?> listener) {
		super.removeApplicationListener(listener);
		this.others.removeApplicationListener(listener);
		this.unplaced.remove(listener);
		this.transactional.remove(listener);
	}

	@Override
	public void removeApplicationListenerBean(String listenerBeanName) {
		super.removeApplicationListenerBean(listenerBeanName);
		this.others.removeApplicationListenerBean(listenerBeanName);
		this.routedBeans.remove(listenerBeanName);
	}

	@Override
	public void removeApplicationListeners(Predicate<ApplicationListener<?>> predicate) {
		super.removeApplicationListeners(predicate);
		this.others.removeApplicationListeners(predicate);
		this.transactional.removeIf(predicate);
	}

	@Override
	public void removeApplicationListenerBeans(Predicate<String> predicate) {
		super.removeApplicationListenerBeans(predicate);
		this.others.removeApplicationListenerBeans(predicate);
		this.routedBeans.removeIf(predicate);
	}

	@Override
	public void removeAllListeners() {
		super.removeAllListeners();
		this.others.removeAllListeners();
		this.routedBeans.clear();
		this.unplaced.clear();
		this.transactional.clear();
	}

	private boolean isTransactionalBean(String beanName) {
		if (this.beanFactory == null || !this.beanFactory.containsBean(beanName)) {
			return false;
		}
		Class<?> type = this.beanFactory.getType(beanName, false);
		return type != null && TransactionalApplicationListener.class.isAssignableFrom(type);
	}

}
