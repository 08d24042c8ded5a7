package io.github.selectorwakequeue.sample.orders;

/**
 * The follow-up event that {@link OrderConfirmationListener} returns, and Spring re-publishes, from the
 * reactor thread.
 *
 * @param orderId the confirmed order's id
 */
public record OrderConfirmed(long orderId) {
}
