package io.github.selectorwakequeue.spring.test;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.spring.test.DeliveryTestApplication.Chain;
import io.github.selectorwakequeue.spring.test.DeliveryTestApplication.ChainStarted;
import io.github.selectorwakequeue.spring.test.DeliveryTestApplication.Mailer;
import io.github.selectorwakequeue.spring.test.DeliveryTestApplication.OrderPlaced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEventPublisher;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code selector-wake-queue.enabled=false}: no queue, nothing to wait for; the waiter and the annotation return at
 * once. Bounded as {@link AwaitEventDeliveryTests} explains.
 */
@SpringBootTest(classes = DeliveryTestApplication.class, properties = "selector-wake-queue.enabled=false")
@AwaitEventDelivery
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class QueueSwitchedOffTests {

	@Autowired
	private ApplicationContext context;

	@Autowired
	private ApplicationEventPublisher events;

	@Autowired
	private EventDeliveryWaiter delivery;

	@Autowired
	private Mailer mailer;

	@Autowired
	private Chain chain;

	@Test
	void thereIsNoQueueAndListenersRunOnTheTestThread() {
		assertThat(this.context.getBeanProvider(SelectorWakeQueue.class).getIfAvailable()).isNull();
		String id = UUID.randomUUID().toString();
		this.events.publishEvent(new OrderPlaced(id));
		this.events.publishEvent(new ChainStarted(id));
		assertThat(this.mailer.sent()).endsWith(id);
		assertThat(this.mailer.threads()).last().isEqualTo(Thread.currentThread().getName());
		assertThat(this.chain.shipped()).endsWith(id);
	}

	@Test
	void waiterReturnsAtOnce() {
		this.delivery.awaitDelivery(Duration.ZERO);
	}

}
