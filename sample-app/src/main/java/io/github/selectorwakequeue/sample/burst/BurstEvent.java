package io.github.selectorwakequeue.sample.burst;

/**
 * One event of a burst.
 *
 * @param burst the burst it belongs to
 * @param sequence its number within its publisher thread
 */
public record BurstEvent(long burst, int sequence) {
}
