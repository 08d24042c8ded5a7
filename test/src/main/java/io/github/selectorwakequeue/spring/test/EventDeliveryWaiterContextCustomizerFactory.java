package io.github.selectorwakequeue.spring.test;

import java.util.List;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Adds an {@link EventDeliveryWaiter} bean (unless the context defines one) and the {@link TestThreadWaitListener} to
 * every test context, whatever the test class: one customizer, equal for all classes, so contexts are cached and
 * shared exactly as without it. Registered in {@code META-INF/spring.factories}.
 */
final class EventDeliveryWaiterContextCustomizerFactory implements ContextCustomizerFactory {

	private static final Customizer CUSTOMIZER = new Customizer();

	@Override
	public ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		return CUSTOMIZER;
	}

	/** Registers the two bean definitions before the context is refreshed. */
	static final class Customizer implements ContextCustomizer {

		static final String WAITER_BEAN_NAME = "selectorWakeQueueEventDeliveryWaiter";

		static final String LISTENER_BEAN_NAME = "selectorWakeQueueTestThreadWaitListener";

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
			ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
			if (!(beanFactory instanceof BeanDefinitionRegistry registry)) {
				return;
			}
			if (!registry.containsBeanDefinition(WAITER_BEAN_NAME)) {
				registry.registerBeanDefinition(WAITER_BEAN_NAME, new RootBeanDefinition(EventDeliveryWaiter.class));
			}
			if (!registry.containsBeanDefinition(LISTENER_BEAN_NAME)) {
				registry.registerBeanDefinition(LISTENER_BEAN_NAME, new RootBeanDefinition(TestThreadWaitListener.class));
			}
		}

		@Override
		public boolean equals(Object other) {
			return other != null && other.getClass() == getClass();
		}

		@Override
		public int hashCode() {
			return getClass().hashCode();
		}

	}

}
