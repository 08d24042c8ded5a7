/**
 * Test support for applications that use the SelectorWakeQueue starter: waiting in a Spring test until the events
 * published have been delivered. {@link io.github.selectorwakequeue.spring.test.EventDeliveryWaiter} is injectable in
 * every test context; {@link io.github.selectorwakequeue.spring.test.AwaitEventDelivery} makes every
 * {@code publishEvent} on the test thread wait for delivery.
 */
package io.github.selectorwakequeue.spring.test;
