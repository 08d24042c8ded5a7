package io.github.selectorwakequeue.sample.orders;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Demonstrates a listener that publishes from the reactor: {@link #confirm} returns a follow-up event,
 * which Spring re-publishes. The starter queues it behind the events already waiting instead of running
 * it nested, so {@link #followUp} also runs on the reactor, later, and the reactor never blocks on its
 * own queue.
 */
@Component
class OrderConfirmationListener {

	private final OrderTimeline timeline;

	OrderConfirmationListener(OrderTimeline timeline) {
		this.timeline = timeline;
	}

	@EventListener
	OrderConfirmed confirm(OrderPlaced order) {
		this.timeline.ranHere(order.orderId(), OrderTimeline.Step.CONFIRMATION);
		return new OrderConfirmed(order.orderId());
	}

	@EventListener
	void followUp(OrderConfirmed confirmed) {
		this.timeline.ranHere(confirmed.orderId(), OrderTimeline.Step.FOLLOW_UP);
	}

}
