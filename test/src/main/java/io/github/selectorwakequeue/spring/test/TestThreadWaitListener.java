package io.github.selectorwakequeue.spring.test;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.test.context.event.TestContextEvent;

/**
 * Hears every event on its publisher's thread, after the event's other listeners there, and waits for its delivery
 * when that thread is a test thread with {@link AwaitEventDelivery} switched on; does nothing on every other thread
 * (one thread-local read), and for the events Spring's TestContext framework publishes at each step of a test
 * ({@link TestContextEvent}s: {@link AwaitEventDeliveryTestExecutionListener} waits at those steps itself). {@link #supportsAsyncExecution()} is {@code false}, which keeps it on the publisher's
 * thread with the starter's multicaster, with Spring Modulith's, and with Spring's own even when it has an executor.
 * A bean in every test context, registered by {@link EventDeliveryWaiterContextCustomizerFactory}.
 */
final class TestThreadWaitListener implements ApplicationListener<ApplicationEvent>, Ordered {

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		TestThreadWait armed = TestThreadWait.current();
		if (armed != null && !(event instanceof TestContextEvent)) {
			armed.afterPublish(event);
		}
	}

	@Override
	public boolean supportsAsyncExecution() {
		return false;
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
