package io.github.selectorwakequeue.sample.orders;

import java.time.Duration;
import java.util.Map;

import io.github.selectorwakequeue.sample.web.ParameterCheck;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /orders}: places an order in an H2 transaction and answers with the thread each listener
 * ran on: the request thread for the publisher and the after-commit listener, the reactor for the
 * audit, the confirmation and its follow-up. {@code item} is 1 to 100 characters, not blank, without control
 * characters (default {@code book}); {@code quantity} is 1 to 1000 (default 1); anything else is answered with 400 and no order.
 */
@RestController
class OrdersController {

	private static final Duration WAIT = Duration.ofSeconds(5);

	/** The width of the {@code item} column. */
	private static final int MAX_ITEM_LENGTH = 100;

	private static final int MAX_QUANTITY = 1000;

	private final OrderService orders;

	private final OrderTimeline timeline;

	OrdersController(OrderService orders, OrderTimeline timeline) {
		this.orders = orders;
		this.timeline = timeline;
	}

	@PostMapping("/orders")
	OrderResult place(@RequestParam(required = false) String item, @RequestParam(required = false) String quantity)
			throws InterruptedException {
		// No defaultValue: Spring would put it in place of an empty value, and item= or quantity= must be refused.
		ParameterCheck check = new ParameterCheck();
		String name = check.text("item", item, "book", MAX_ITEM_LENGTH);
		int count = check.intBetween("quantity", quantity, 1, 1, MAX_QUANTITY);
		check.orThrow();
		String publishedOn = Thread.currentThread().getName();
		long orderId = this.orders.place(name, count);
		Map<OrderTimeline.Step, String> ranOn = this.timeline.awaitAndForget(orderId, WAIT);
		return new OrderResult(orderId, this.orders.isStored(orderId), publishedOn, ranOn.get(OrderTimeline.Step.AUDIT),
				ranOn.get(OrderTimeline.Step.AFTER_COMMIT), ranOn.get(OrderTimeline.Step.CONFIRMATION),
				ranOn.get(OrderTimeline.Step.FOLLOW_UP));
	}

	/**
	 * What {@code POST /orders} answers: the thread each part ran on.
	 * @param orderId the new order's id
	 * @param stored whether the order row is committed
	 * @param publishedOn the thread that published {@link OrderPlaced} (the request thread)
	 * @param auditListener where {@link OrderAuditListener} ran
	 * @param afterCommitListener where {@link OrderCommitListener} ran
	 * @param confirmationListener where {@link OrderConfirmationListener#confirm} ran
	 * @param followUpListener where the re-published {@link OrderConfirmed} was delivered
	 */
	record OrderResult(long orderId, boolean stored, String publishedOn, String auditListener,
			String afterCommitListener, String confirmationListener, String followUpListener) {
	}

}
