package io.github.selectorwakequeue.spring.test;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.spring.test.DeliveryTestApplication.Mailer;
import io.github.selectorwakequeue.spring.test.DeliveryTestApplication.OrderPlaced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationEventPublisher;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code selector-wake-queue.events.enabled=false}: Spring's own multicaster delivers on the publisher's thread, so
 * there is no event to wait for; the waiter still waits for tasks queued on the queue. Bounded as
 * {@link AwaitEventDeliveryTests} explains.
 */
@SpringBootTest(classes = DeliveryTestApplication.class, properties = "selector-wake-queue.events.enabled=false")
@AwaitEventDelivery
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EventsNotRoutedTests {

	@Autowired
	private ApplicationEventPublisher events;

	@Autowired
	private EventDeliveryWaiter delivery;

	@Autowired
	private Mailer mailer;

	@Autowired
	private SelectorWakeQueue queue;

	@Test
	void listenerRunsOnTheTestThreadAndTheAnnotationChangesNothing() {
		String id = UUID.randomUUID().toString();
		this.events.publishEvent(new OrderPlaced(id));
		assertThat(this.mailer.sent()).endsWith(id);
		assertThat(this.mailer.threads()).last().isEqualTo(Thread.currentThread().getName());
	}

	@Test
	void waiterStillWaitsForTasksOnTheQueue() {
		AtomicBoolean ran = new AtomicBoolean();
		this.queue.execute(() -> {
			ListenerWork.spend(Duration.ofMillis(20));
			ran.set(true);
		});
		this.delivery.awaitDelivery();
		assertThat(ran).isTrue();
	}

}
