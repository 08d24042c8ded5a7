package io.github.selectorwakequeue.sample.orders;

/**
 * Published by {@link OrderService} inside the transaction that stores the order. A plain object:
 * Spring wraps it in a {@code PayloadApplicationEvent}, and the starter routes it through the queue.
 *
 * @param orderId the stored order's id
 * @param item what was ordered
 * @param quantity how many
 */
public record OrderPlaced(long orderId, String item, int quantity) {
}
