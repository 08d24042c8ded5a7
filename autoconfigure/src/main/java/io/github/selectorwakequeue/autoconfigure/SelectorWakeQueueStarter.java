package io.github.selectorwakequeue.autoconfigure;

import io.github.selectorwakequeue.SelectorWakeQueue;

import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Starts every {@link SelectorWakeQueue} bean as soon as it is initialized, whoever defined it: the one place
 * the starter starts a queue. Early enough that events multicast while the context refreshes (before any
 * lifecycle starts) are delivered during the refresh. A queue that is already started or closed is left alone.
 */
final class SelectorWakeQueueStarter implements BeanPostProcessor {

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof SelectorWakeQueue queue && !queue.isClosed()) {
			queue.start();
		}
		return bean;
	}

}
