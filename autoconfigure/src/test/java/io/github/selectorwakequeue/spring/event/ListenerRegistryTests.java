package io.github.selectorwakequeue.spring.event;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.FactoryBean;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whether routes may be cached, as the registry tells it: a listener registered by bean name counts as a singleton
 * when its bean is one, also when the name is a {@code FactoryBean}'s own ({@code &name}), as Spring Boot registers
 * its {@code internalCachingMetadataReaderFactory} in every application; without that, no route of any application
 * was ever cached and every event looked its listeners up again.
 */
class ListenerRegistryTests {

	@Test
	void aSingletonFactoryBeanRegisteredUnderItsOwnNameLetsRoutesBeCached() {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerBeanDefinition("readerFactory", new RootBeanDefinition(ListeningFactoryBean.class));
		beanFactory.getBean("&readerFactory"); // created, as it is once the context has refreshed
		ListenerRegistry registry = new ListenerRegistry();
		registry.addBean("&readerFactory");
		assertThat(registry.snapshot().onlySingletonBeans(beanFactory)).isTrue();
	}

	@Test
	void aPrototypeListenerBeanKeepsRoutesFromBeingCached() {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		RootBeanDefinition prototype = new RootBeanDefinition(Listener.class);
		prototype.setScope(RootBeanDefinition.SCOPE_PROTOTYPE);
		beanFactory.registerBeanDefinition("listener", prototype);
		ListenerRegistry registry = new ListenerRegistry();
		registry.addBean("listener");
		assertThat(registry.snapshot().onlySingletonBeans(beanFactory)).isFalse();
	}

	/** A FactoryBean that is itself a listener, as Boot's caching metadata reader factory is. */
	static class ListeningFactoryBean implements FactoryBean<String>, ApplicationListener<ApplicationEvent> {

		@Override
		public String getObject() {
			return "product";
		}

		@Override
		public Class<?> getObjectType() {
			return String.class;
		}

		@Override
		public void onApplicationEvent(ApplicationEvent event) {
		}

	}

	static class Listener implements ApplicationListener<ApplicationEvent> {

		@Override
		public void onApplicationEvent(ApplicationEvent event) {
		}

	}

}
