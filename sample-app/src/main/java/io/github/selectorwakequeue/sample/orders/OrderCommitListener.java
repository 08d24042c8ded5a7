package io.github.selectorwakequeue.sample.orders;

import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Demonstrates that {@code @TransactionalEventListener}s keep working: the starter delivers them on the
 * publisher's thread, where the transaction is, so this one runs there right after the commit (and not
 * at all after a rollback). Sent to the reactor, it would find no transaction and be dropped silently.
 */
@Component
class OrderCommitListener {

	private final OrderTimeline timeline;

	OrderCommitListener(OrderTimeline timeline) {
		this.timeline = timeline;
	}

	@TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
	void afterCommit(OrderPlaced order) {
		this.timeline.ranHere(order.orderId(), OrderTimeline.Step.AFTER_COMMIT);
	}

}
