package io.github.selectorwakequeue.sample.modulith;

/**
 * Published inside the order's transaction.
 * @param sequence the transaction's commit order
 */
public record OrderPlaced(long sequence) {
}
