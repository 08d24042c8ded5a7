package io.github.selectorwakequeue.sample.orders;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Demonstrates an asynchronous listener without {@code @Async} or an executor: with the starter, an
 * ordinary {@code @EventListener} runs on the queue's reactor thread, in publish order, while the
 * publisher goes on. Good for work that must not slow the request down, such as an audit trail.
 */
@Component
class OrderAuditListener {

	private static final Logger logger = LoggerFactory.getLogger(OrderAuditListener.class);

	private final OrderTimeline timeline;

	OrderAuditListener(OrderTimeline timeline) {
		this.timeline = timeline;
	}

	@EventListener
	void audit(OrderPlaced order) {
		logger.info("Audit: order {} placed ({} x {})", order.orderId(), order.quantity(), order.item());
		this.timeline.ranHere(order.orderId(), OrderTimeline.Step.AUDIT);
	}

}
