package io.github.selectorwakequeue.spring.test;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.spring.test.DeliveryTestApplication.AfterCommit;
import io.github.selectorwakequeue.spring.test.DeliveryTestApplication.Chain;
import io.github.selectorwakequeue.spring.test.DeliveryTestApplication.ChainStarted;
import io.github.selectorwakequeue.spring.test.DeliveryTestApplication.Committed;
import io.github.selectorwakequeue.spring.test.DeliveryTestApplication.Mailer;
import io.github.selectorwakequeue.spring.test.DeliveryTestApplication.OrderPlaced;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.Ordered;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.context.event.RecordApplicationEvents;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@link AwaitEventDelivery}, a test publishes and asserts on the next line, as README shows. Each test is
 * bounded by JUnit's {@code @Timeout} in its default same-thread mode, which interrupts the test thread (the waits
 * are interruptible): {@code assertTimeoutPreemptively} would move the body to another thread, where the annotation
 * does not wait.
 */
@SpringBootTest(classes = DeliveryTestApplication.class)
@AwaitEventDelivery
@RecordApplicationEvents
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AwaitEventDeliveryTests {

	@Autowired
	private ApplicationEventPublisher events;

	@Autowired
	private Mailer mailer;

	@Autowired
	private Chain chain;

	@Autowired
	private AfterCommit afterCommit;

	@Autowired
	private TransactionTemplate transactions;

	@Autowired
	private SelectorWakeQueue queue;

	@Autowired
	private ApplicationEvents recorded;

	/** README's example, with a listener that takes 5 ms: the mail is sent when publishEvent returns. */
	@RepeatedTest(100)
	void listenerHasRunWhenPublishEventReturns() {
		String id = UUID.randomUUID().toString();
		this.events.publishEvent(new OrderPlaced(id));
		assertThat(this.mailer.sent()).contains(id);
	}

	@Test
	void listenerStillRunsOnTheQueue() {
		String id = UUID.randomUUID().toString();
		this.events.publishEvent(new OrderPlaced(id));
		assertThat(this.mailer.sent()).contains(id);
		assertThat(this.mailer.threads()).allMatch((name) -> name.startsWith(this.queue.name()));
	}

	@Test
	void wholeChainHasRunWhenPublishEventReturns() {
		String id = UUID.randomUUID().toString();
		this.events.publishEvent(new ChainStarted(id));
		assertThat(this.chain.shipped()).contains(id);
		assertThat(this.chain.followUps()).contains(id);
	}

	@Test
	void recordedEventsAndListenerEffectsAreBothThere() {
		String id = UUID.randomUUID().toString();
		this.events.publishEvent(new OrderPlaced(id));
		assertThat(this.recorded.stream(OrderPlaced.class)).containsExactly(new OrderPlaced(id));
		assertThat(this.mailer.sent()).contains(id);
	}

	@Test
	void workQueuedAfterTheCommitOfTheTestThreadsTransactionHasRunWhenTheTransactionReturns() {
		String id = UUID.randomUUID().toString();
		this.transactions.executeWithoutResult((status) -> this.events.publishEvent(new Committed(id)));
		assertThat(this.afterCommit.done()).contains(id);
	}

	/** As the starter's commit-order bookkeeping for Spring Modulith's module listeners releases their invocations. */
	@Test
	void workQueuedBySynchronizationRegisteredJustBeforeTheCommitIsWaitedFor() {
		String id = UUID.randomUUID().toString();
		this.transactions.executeWithoutResult((status) -> {
			this.events.publishEvent(new OrderPlaced(id));
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public int getOrder() {
					return Ordered.HIGHEST_PRECEDENCE;
				}

				@Override
				public void beforeCompletion() {
					TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
						@Override
						public void afterCompletion(int completion) {
							AwaitEventDeliveryTests.this.queue.execute(() -> {
								ListenerWork.spend(ListenerWork.PER_EVENT);
								AwaitEventDeliveryTests.this.mailer.sent().add("after-commit " + id);
							});
						}
					});
				}
			});
		});
		assertThat(this.mailer.sent()).contains(id, "after-commit " + id);
	}

	@Test
	void rolledBackTransactionQueuesNothingAfterItAndWaitsForNothingMore() {
		String id = UUID.randomUUID().toString();
		this.transactions.executeWithoutResult((status) -> {
			this.events.publishEvent(new Committed(id));
			status.setRollbackOnly();
		});
		assertThat(this.afterCommit.done()).doesNotContain(id);
	}


	@Nested
	class InANestedClass {

		@Test
		void annotationOfTheEnclosingClassApplies() {
			String id = UUID.randomUUID().toString();
			AwaitEventDeliveryTests.this.events.publishEvent(new OrderPlaced(id));
			assertThat(AwaitEventDeliveryTests.this.mailer.sent()).contains(id);
		}

	}

}
