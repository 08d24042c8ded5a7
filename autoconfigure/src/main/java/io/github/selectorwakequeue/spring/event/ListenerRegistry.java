package io.github.selectorwakequeue.spring.event;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.beans.factory.FactoryBean;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.context.ApplicationListener;

/**
 * The listeners registered with one multicaster, mirrored from Spring's registry (which keeps them to itself), so
 * that the starter can reason about them without looking a listener bean up: which listener an instance is (a
 * prototype bean's instances are one listener), whether routes may be cached, and which listeners are gone.
 *
 * <p>Changed when listeners are added or removed; read when a route is computed (once per event type and source
 * type, or per event while a listener bean is not a singleton), never on a cached route's path. Thread-safe: changes
 * are serialized; readers see an immutable snapshot.
 */
final class ListenerRegistry {

	/** The reason of a listener that may run on the queue, in {@link Snapshot#reason}'s cache. */
	private static final String ON_QUEUE = "";

	private final Set<ApplicationListener<?>> instances = new LinkedHashSet<>();

	private final Set<String> beanNames = new LinkedHashSet<>();

	private volatile Snapshot snapshot = new Snapshot(List.of(), List.of());

	synchronized void add(ApplicationListener<?> listener) {
		// As Spring does: a proxy replaces its target, so that the listener is not invoked twice.
		if (AopProxyUtils.getSingletonTarget(listener) instanceof ApplicationListener<?> target) {
			this.instances.remove(target);
		}
		this.instances.add(listener);
		publish();
	}

	synchronized void addBean(String beanName) {
		this.beanNames.add(beanName);
		publish();
	}

	synchronized void remove(ApplicationListener<?> listener) {
		this.instances.remove(listener);
		publish();
	}

	synchronized void removeBean(String beanName) {
		this.beanNames.remove(beanName);
		publish();
	}

	synchronized void removeIf(Predicate<ApplicationListener<?>> predicate) {
		this.instances.removeIf(predicate);
		publish();
	}

	synchronized void removeBeansIf(Predicate<String> predicate) {
		this.beanNames.removeIf(predicate);
		publish();
	}

	synchronized void clear() {
		this.instances.clear();
		this.beanNames.clear();
		publish();
	}

	private void publish() {
		this.snapshot = new Snapshot(List.copyOf(this.instances), List.copyOf(this.beanNames));
	}

	/**
	 * @return the registered listener instances and bean names now
	 */
	Snapshot snapshot() {
		return this.snapshot;
	}

	/**
	 * The listeners registered at one moment, with the answers that depend only on them. Immutable, apart from
	 * caches of what the bean factory says about a bean name.
	 */
	static final class Snapshot {

		private final List<ApplicationListener<?>> instances;

		private final Set<ApplicationListener<?>> instanceSet;

		private final List<String> beanNames;

		/** Whether each bean name's instances are one shared instance: true, false, or absent if not yet known. */
		private final Map<String, Boolean> singletons = Collections.synchronizedMap(new java.util.HashMap<>());

		private volatile Map<Class<?>, String> nonSingletonBeansByType;

		/** Why each listener stays on the publisher's thread; {@link #ON_QUEUE} if it does not. */
		private final Map<Object, String> reasons = new ConcurrentHashMap<>();

		Snapshot(List<ApplicationListener<?>> instances, List<String> beanNames) {
			this.instances = instances;
			Set<ApplicationListener<?>> identities = Collections.newSetFromMap(new IdentityHashMap<>());
			identities.addAll(instances);
			this.instanceSet = identities;
			this.beanNames = beanNames;
		}

		List<ApplicationListener<?>> instances() {
			return this.instances;
		}

		List<String> beanNames() {
			return this.beanNames;
		}

		/**
		 * @param listener a listener
		 * @return whether it is registered as an instance (not only through a bean name)
		 */
		boolean containsInstance(ApplicationListener<?> listener) {
			return this.instanceSet.contains(listener);
		}

		/**
		 * Whether every listener bean is a singleton, so that a route's listeners are the same instances at every
		 * event and the route may be cached. Asks the bean factory without creating anything: a listener made by a
		 * {@code FactoryBean} that does not exist yet counts as not known (no caching) until it does.
		 * @param beanFactory the multicaster's bean factory, or {@code null}
		 * @return whether routes may be cached
		 */
		boolean onlySingletonBeans(@Nullable ConfigurableBeanFactory beanFactory) {
			for (String beanName : this.beanNames) {
				if (!Boolean.TRUE.equals(isSingleton(beanName, beanFactory))) {
					return false;
				}
			}
			return true;
		}

		private @Nullable Boolean isSingleton(String beanName, @Nullable ConfigurableBeanFactory beanFactory) {
			Boolean known = this.singletons.get(beanName);
			if (known != null || beanFactory == null) {
				return (beanFactory == null) ? Boolean.TRUE : known;
			}
			try {
				// A FactoryBean's own name (&name) is registered without its prefix, as is its product's.
				if (beanFactory.isFactoryBean(beanName)
						&& !beanFactory.containsSingleton(BeanFactoryUtils.transformedBeanName(beanName))) {
					return null; // asking would create the FactoryBean
				}
				known = beanFactory.isSingleton(beanName);
			}
			catch (BeansException ex) {
				known = false; // gone (a destroyed singleton): its instance must be looked up per event
			}
			this.singletons.put(beanName, known);
			return known;
		}

		/**
		 * Which listener a listener instance is, for its lane: the instance itself when it is registered as one or
		 * came from a singleton bean; the bean name when it is an instance of a bean that is not a singleton (each
		 * event gets a new instance of a prototype, all of them one listener); or its class, if several such beans
		 * share that class.
		 * @param listener a listener from a route
		 * @param beanFactory the multicaster's bean factory, or {@code null}
		 * @return an identity: equal for instances of the same listener, different between listeners
		 */
		Object identityOf(ApplicationListener<?> listener, @Nullable ConfigurableBeanFactory beanFactory) {
			if (beanFactory == null || this.instanceSet.contains(listener) || this.beanNames.isEmpty()) {
				return new InstanceIdentity(listener);
			}
			Map<Class<?>, String> byType = nonSingletonBeansByType(beanFactory);
			if (byType.isEmpty()) {
				return new InstanceIdentity(listener);
			}
			String beanName = byType.get(listener.getClass());
			if (beanName == null) {
				for (Map.Entry<Class<?>, String> entry : byType.entrySet()) {
					if (entry.getKey().isInstance(listener)) {
						beanName = entry.getValue();
						break;
					}
				}
			}
			if (beanName == null) {
				return new InstanceIdentity(listener);
			}
			return (beanName.isEmpty()) ? new TypeIdentity(listener.getClass()) : new BeanIdentity(beanName);
		}

		/** Non-singleton listener beans by their type; an empty name for a type that several of them share. */
		private Map<Class<?>, String> nonSingletonBeansByType(ConfigurableBeanFactory beanFactory) {
			Map<Class<?>, String> byType = this.nonSingletonBeansByType;
			if (byType == null) {
				byType = new java.util.LinkedHashMap<>();
				for (String beanName : this.beanNames) {
					if (ScopedProxyUtils.isScopedTarget(beanName)
							|| Boolean.TRUE.equals(isSingleton(beanName, beanFactory))) {
						continue;
					}
					Class<?> type = typeOf(beanName, beanFactory);
					if (type != null && !FactoryBean.class.isAssignableFrom(type)) {
						byType.merge(type, beanName, (first, second) -> "");
					}
				}
				this.nonSingletonBeansByType = byType;
			}
			return byType;
		}

		/**
		 * @param beanName a listener bean's name
		 * @param beanFactory the bean factory
		 * @return its type, without creating anything, or {@code null} if unknown
		 */
		static @Nullable Class<?> typeOf(String beanName, ConfigurableBeanFactory beanFactory) {
			try {
				return beanFactory.getType(beanName, false);
			}
			catch (BeansException ex) {
				return null;
			}
		}

		/**
		 * Why a listener stays on the publisher's thread, computed once per listener while its registrations last.
		 * @param identity the listener's identity, from {@link #identityOf}
		 * @param compute computes the reason ({@code null} for none) the first time
		 * @return the reason, or {@code null} if the listener may run on the queue
		 */
		@Nullable String reason(Object identity, Supplier<@Nullable String> compute) {
			String reason = this.reasons.get(identity);
			if (reason == null) {
				String computed = compute.get();
				reason = (computed != null) ? computed : ON_QUEUE;
				this.reasons.putIfAbsent(identity, reason);
			}
			return reason.isEmpty() ? null : reason;
		}

		/**
		 * @param identity a listener's identity, from {@link #identityOf}
		 * @param beanFactory the multicaster's bean factory, or {@code null}
		 * @return the name of its bean, if known without creating anything
		 */
		@Nullable String beanNameOf(Object identity, @Nullable ConfigurableBeanFactory beanFactory) {
			if (identity instanceof BeanIdentity bean) {
				return bean.beanName();
			}
			if (identity instanceof InstanceIdentity instance && beanFactory != null) {
				for (String beanName : this.beanNames) {
					if (beanFactory.containsSingleton(beanName) && beanFactory.getSingleton(beanName) == instance.listener()) {
						return beanName;
					}
				}
			}
			return null;
		}

		/**
		 * @param identity an identity from {@link #identityOf}
		 * @param beanFactory the multicaster's bean factory, or {@code null}
		 * @return whether the listener it stands for is still registered
		 */
		boolean isRegistered(Object identity, @Nullable ConfigurableBeanFactory beanFactory) {
			if (identity instanceof BeanIdentity bean) {
				return this.beanNames.contains(bean.beanName());
			}
			if (identity instanceof TypeIdentity type) {
				return nonSingletonBeansByType(beanFactory).containsKey(type.type());
			}
			if (identity instanceof InstanceIdentity instance) {
				return this.instanceSet.contains(instance.listener()) || isSingletonOfABean(instance.listener(), beanFactory);
			}
			return true;
		}

		private boolean isSingletonOfABean(ApplicationListener<?> listener, @Nullable ConfigurableBeanFactory beanFactory) {
			return beanNameOf(new InstanceIdentity(listener), beanFactory) != null;
		}

		/**
		 * The bean names that stand for listeners not registered as instances too (a singleton bean is registered
		 * both ways once it exists): the listener beans a description must list from their definitions.
		 * @param beanFactory the bean factory, or {@code null}
		 * @return those names, without scoped-proxy targets (their proxy stands for them)
		 */
		List<String> beansWithoutInstance(@Nullable ConfigurableBeanFactory beanFactory) {
			List<String> names = new ArrayList<>();
			for (String beanName : this.beanNames) {
				if (ScopedProxyUtils.isScopedTarget(beanName)) {
					continue;
				}
				if (beanFactory != null && beanFactory.containsSingleton(beanName)
						&& this.instanceSet.contains(beanFactory.getSingleton(beanName))) {
					continue;
				}
				names.add(beanName);
			}
			return names;
		}

	}

	/** A listener registered as an instance, or a singleton: itself, by identity. */
	record InstanceIdentity(ApplicationListener<?> listener) {

		@Override
		public boolean equals(Object other) {
			return other instanceof InstanceIdentity identity && identity.listener == this.listener;
		}

		@Override
		public int hashCode() {
			return System.identityHashCode(this.listener);
		}

	}

	/** A listener bean that is not a singleton: its name. */
	record BeanIdentity(String beanName) {
	}

	/** Listener beans that are not singletons and share a class: the class. */
	record TypeIdentity(Class<?> type) {
	}

}
