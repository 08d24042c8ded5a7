package io.github.selectorwakequeue.spring.event;

import java.util.ArrayDeque;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;

/**
 * One event on its way to the listeners that run on the reactor thread: the task the multicaster queues per
 * event. Each listener runs even if an earlier one threw; failures are reported together when all have run.
 * Created only by {@link EventRouter}.
 */
final class EventDelivery implements Runnable {

	private static final Logger logger = LoggerFactory.getLogger(EventDelivery.class);

	/** Deliveries waiting on this thread behind the one {@link #deliverOnCurrentThread()} is running. */
	private static final ThreadLocal<ArrayDeque<EventDelivery>> inlinePending = new ThreadLocal<>();

	private final EventRouter router;

	private final ApplicationEvent event;

	private final ApplicationListener<?>[] listeners;

	private final Object context;

	EventDelivery(EventRouter router, ApplicationEvent event,
			ApplicationListener<?>[] listeners, Object context) {
		this.router = router;
		this.event = event;
		this.listeners = listeners;
		this.context = context;
	}

	/**
	 * Delivers the event to each listener in order, with the publisher's context restored.
	 * @throws ListenerFailedException if a listener (or the user's {@code ErrorHandler}) threw, after every
	 * listener has run; the queue logs and counts it
	 */
	@Override
	public void run() {
		this.router.deliver(this.event, this.listeners, this.context);
	}

	/**
	 * Delivers the event on the calling thread, for events the queue can no longer run (closed, or
	 * returned by its close). Never throws: failures are logged. Called again from one of the listeners
	 * (a listener that publishes after the queue closed), it does not nest: the new event is delivered on
	 * this thread right after the current one, so a listener re-publishing without end cannot overflow the
	 * stack, exactly as on the reactor.
	 */
	void deliverOnCurrentThread() {
		ArrayDeque<EventDelivery> pending = inlinePending.get();
		if (pending != null) {
			pending.add(this);
			return;
		}
		pending = new ArrayDeque<>();
		inlinePending.set(pending);
		try {
			EventDelivery next = this;
			while (next != null) {
				next.runAndLog();
				next = pending.poll();
			}
		}
		finally {
			inlinePending.remove();
		}
	}

	private void runAndLog() {
		try {
			run();
		}
		catch (Throwable ex) {
			logger.error("Delivering {} on thread '{}' failed", this, Thread.currentThread().getName(), ex);
		}
	}

	@Override
	public String toString() {
		return "delivery of " + describe(this.event) + " to " + this.listeners.length + " listener(s)";
	}

	static String describe(ApplicationEvent event) {
		if (event instanceof PayloadApplicationEvent<?> payloadEvent) {
			return "event " + payloadEvent.getPayload().getClass().getName();
		}
		return "event " + event.getClass().getName();
	}

	/**
	 * Thrown by a delivery in which at least one listener failed: its cause is the first failure, the others
	 * are suppressed.
	 */
	static final class ListenerFailedException extends RuntimeException {

		ListenerFailedException(ApplicationListener<?> listener, ApplicationEvent event, Throwable cause) {
			super("Listener " + listener + " failed on " + describe(event), cause);
		}

	}

}
