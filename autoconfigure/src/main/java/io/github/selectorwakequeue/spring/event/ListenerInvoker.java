package io.github.selectorwakequeue.spring.event;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;

/**
 * How a multicaster calls one listener with one event (for {@code SimpleApplicationEventMulticaster}, its
 * {@code invokeListener}). Called by {@link EventRouter} on whatever thread delivers: the publisher's, the
 * reactor, or the thread closing the queue.
 */
@FunctionalInterface
public interface ListenerInvoker {

	/**
	 * Invokes the listener. Exceptions propagate to the caller, which decides where they go.
	 * @param listener the listener
	 * @param event the event
	 */
	void invoke(ApplicationListener<?> listener, ApplicationEvent event);

}
