package io.github.selectorwakequeue.spring.event;

import java.util.ArrayDeque;

import io.github.selectorwakequeue.FanOut;
import io.github.selectorwakequeue.Lane;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;

/**
 * One event on its way to the listeners that run off the publisher's thread: the task the multicaster queues per
 * event. A {@link FanOut} with one part per listener: on the reactor each listener gets the event in its own
 * {@link Lane}, so every listener sees events in publish order and a slow or stuck one delays only itself. Run as
 * a whole (a full queue's caller-runs, a closed queue, leftovers at close), each listener runs in order on the
 * calling thread, even if an earlier one threw; failures are then reported together when all have run. Created
 * only by {@link EventRouter}.
 */
final class EventDelivery implements FanOut {

	private static final Logger logger = LoggerFactory.getLogger(EventDelivery.class);

	/** Deliveries waiting on this thread behind the one {@link #deliverOnCurrentThread()} is running. */
	private static final ThreadLocal<ArrayDeque<EventDelivery>> inlinePending = new ThreadLocal<>();

	private final EventRouter router;

	private final ApplicationEvent event;

	private final ApplicationListener<?>[] listeners;

	private final Lane[] lanes;

	private final Object context;

	EventDelivery(EventRouter router, ApplicationEvent event, ApplicationListener<?>[] listeners, Lane[] lanes,
			Object context) {
		this.router = router;
		this.event = event;
		this.listeners = listeners;
		this.lanes = lanes;
		this.context = context;
	}

	@Override
	public int parts() {
		return this.listeners.length;
	}

	@Override
	public Lane lane(int index) {
		return this.lanes[index];
	}

	/**
	 * Delivers the event to one listener, with the publisher's context restored.
	 * @throws ListenerFailedException if the listener threw and no {@code ErrorHandler} took it; the queue logs
	 * and counts it
	 */
	@Override
	public void runPart(int index) {
		this.router.deliverTo(this.event, this.listeners[index], this.lanes[index], this.context);
	}

	/**
	 * Delivers the event to each listener in order, with the publisher's context restored.
	 * @throws ListenerFailedException if a listener (or the user's {@code ErrorHandler}) threw, after every
	 * listener has run; the queue logs and counts it
	 */
	@Override
	public void run() {
		this.router.deliver(this.event, this.listeners, this.lanes, this.context);
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

}
