package io.github.selectorwakequeue.spring.test;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.spring.test.DeliveryTestApplication.Mailer;
import io.github.selectorwakequeue.spring.test.DeliveryTestApplication.OrderPlaced;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.annotation.DirtiesContext.ClassMode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @DirtiesContext}: each test method waits on the queue of its own context, and a waiter of a closed context
 * returns at once. A property of its own keeps these contexts apart from the one the other tests share. Bounded as
 * {@link AwaitEventDeliveryTests} explains.
 */
@SpringBootTest(classes = DeliveryTestApplication.class, properties = "dirtied-context-tests=true")
@AwaitEventDelivery
@DirtiesContext(classMode = ClassMode.AFTER_EACH_TEST_METHOD)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DirtiedContextTests {

	private static SelectorWakeQueue firstQueue;

	private static EventDeliveryWaiter firstWaiter;

	@Autowired
	private ApplicationEventPublisher events;

	@Autowired
	private Mailer mailer;

	@Autowired
	private SelectorWakeQueue queue;

	@Autowired
	private EventDeliveryWaiter delivery;

	@Test
	@Order(1)
	void firstContext() {
		String id = UUID.randomUUID().toString();
		this.events.publishEvent(new OrderPlaced(id));
		assertThat(this.mailer.sent()).containsExactly(id);
		firstQueue = this.queue;
		firstWaiter = this.delivery;
	}

	@Test
	@Order(2)
	void freshContextWaitsOnItsOwnQueue() {
		assertThat(firstQueue).isNotNull().isNotSameAs(this.queue);
		assertThat(firstQueue.isClosed()).isTrue();
		firstWaiter.awaitDelivery();
		String id = UUID.randomUUID().toString();
		this.events.publishEvent(new OrderPlaced(id));
		assertThat(this.mailer.sent()).containsExactly(id);
	}

}
