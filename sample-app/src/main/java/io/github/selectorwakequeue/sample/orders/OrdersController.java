package io.github.selectorwakequeue.sample.orders;

import java.time.Duration;
import java.util.Map;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /orders}: places an order in an H2 transaction and answers with the thread each listener
 * ran on: the request thread for the publisher and the after-commit listener, the reactor for the
 * audit, the confirmation and its follow-up.
 */
@RestController
class OrdersController {

	private static final Duration WAIT = Duration.ofSeconds(5);

	private final OrderService orders;

	private final OrderTimeline timeline;

	OrdersController(OrderService orders, OrderTimeline timeline) {
		this.orders = orders;
		this.timeline = timeline;
	}

	@PostMapping("/orders")
	OrderResult place(@RequestParam(defaultValue = "book") String item,
			@RequestParam(defaultValue = "1") int quantity) throws InterruptedException {
		String publishedOn = Thread.currentThread().getName();
		long orderId = this.orders.place(item, quantity);
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
