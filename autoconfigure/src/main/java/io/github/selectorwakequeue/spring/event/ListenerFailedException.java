package io.github.selectorwakequeue.spring.event;

import org.springframework.context.ApplicationEvent;

/**
 * Thrown by a delivery off the publisher's thread in which a listener failed and no {@code ErrorHandler} bean took
 * the failure: its message names the listener (as its lane and metrics do) and the event's type, never the event's
 * content; its cause is the listener's exception (with the failures of other listeners of the same event, when the
 * event was delivered as a whole, suppressed). The queue's error handler logs and counts it.
 */
public final class ListenerFailedException extends RuntimeException {

	private final String listener;

	ListenerFailedException(String listener, ApplicationEvent event, Throwable cause) {
		super("Listener '" + listener + "' failed on " + EventDelivery.describe(event), cause);
		this.listener = listener;
	}

	/**
	 * @return the listener's name, {@code Bean.method(Event)} for an {@code @EventListener} method
	 */
	public String listener() {
		return this.listener;
	}

}
