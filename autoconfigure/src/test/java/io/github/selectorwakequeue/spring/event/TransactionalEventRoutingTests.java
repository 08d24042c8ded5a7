package io.github.selectorwakequeue.spring.event;

import io.github.selectorwakequeue.spring.event.EventsTestApplication.Listeners;
import io.github.selectorwakequeue.spring.event.EventsTestApplication.OrderPlaced;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @TransactionalEventListener}s stay on the publisher's thread, where the transaction is: they fire after
 * commit and not after rollback, instead of being dropped for want of a transaction.
 */
@SpringBootTest(classes = EventsTestApplication.class, webEnvironment = WebEnvironment.NONE,
		properties = "selector-wake-queue.capacity=262144")
class TransactionalEventRoutingTests {

	@Autowired
	private ApplicationEventPublisher publisher;

	@Autowired
	private TransactionTemplate transactions;

	@Autowired
	private Listeners listeners;

	@Test
	void afterCommitListenerFiresAfterTheCommitOnThePublishersThread() {
		this.transactions.executeWithoutResult((status) -> {
			this.publisher.publishEvent(new OrderPlaced("committed-order"));
			assertThat(this.listeners.committed).doesNotContain("committed-order");
		});
		assertThat(this.listeners.committed).contains("committed-order");
		assertThat(this.listeners.committedThread).isSameAs(Thread.currentThread());
	}

	@Test
	void afterCommitListenerDoesNotFireAfterARollback() {
		this.transactions.executeWithoutResult((status) -> {
			this.publisher.publishEvent(new OrderPlaced("rolled-back-order"));
			status.setRollbackOnly();
		});
		assertThat(this.listeners.committed).doesNotContain("rolled-back-order");
	}

}
