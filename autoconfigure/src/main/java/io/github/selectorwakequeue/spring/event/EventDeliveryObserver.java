package io.github.selectorwakequeue.spring.event;

/**
 * Wraps each delivery to a listener that the router sent to the queue (an event to one asynchronous listener, or
 * one {@link ListenerTask}), for example in a Micrometer {@code Observation}. Called on the thread that runs the
 * listener: the reactor, a lane worker, or, when the queue was full, rejected or closed, the publisher's or the
 * closing thread; the publisher's context is already restored there. Listeners that run on the publisher's thread
 * by rule (framework events, {@code @TransactionalEventListener}s) are not wrapped.
 *
 * <p>Used when the context holds a unique bean of this type; without one a delivery costs nothing extra.
 * Implementations must be thread-safe, must run the delivery exactly once on the calling thread and must
 * rethrow what it throws (the router reports it).
 */
@FunctionalInterface
public interface EventDeliveryObserver {

	/**
	 * Runs one delivery.
	 * @param queue the queue's name
	 * @param listener the listener's lane name, such as {@code Orders.onPlaced(OrderPlaced)}: bounded, one per
	 * listener of the application, never event data
	 * @param delivery invokes the listener; throws what the listener throws
	 */
	void observe(String queue, String listener, Runnable delivery);

}
