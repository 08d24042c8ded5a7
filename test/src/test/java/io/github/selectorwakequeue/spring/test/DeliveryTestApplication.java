package io.github.selectorwakequeue.spring.test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import io.github.selectorwakequeue.SelectorWakeQueue;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * The application the delivery tests start (one context, cached for all of them unless a test sets properties): an
 * order mailer that takes 5 ms a mail, a chain of listeners three levels deep, a listener that a test holds at a
 * gate, and an after-commit listener that queues work. Each records what it did and where. Follow-up work goes to
 * the queue, or runs at once when there is none.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class DeliveryTestApplication {

	@Bean
	Mailer mailer() {
		return new Mailer();
	}

	@Bean
	Chain chain(ApplicationEventPublisher publisher, ObjectProvider<SelectorWakeQueue> queue) {
		return new Chain(publisher, followUps(queue));
	}

	@Bean
	Gate gate() {
		return new Gate();
	}

	@Bean
	AfterCommit afterCommit(ObjectProvider<SelectorWakeQueue> queue, ApplicationEventPublisher publisher) {
		return new AfterCommit(followUps(queue), publisher);
	}

	/** Where follow-up work goes: the queue, or the calling thread when there is none. */
	private static Executor followUps(ObjectProvider<SelectorWakeQueue> queue) {
		SelectorWakeQueue available = queue.getIfAvailable();
		return (available != null) ? available : Runnable::run;
	}

	record OrderPlaced(String id) {
	}

	record ChainStarted(String id) {
	}

	record ChainConfirmed(String id) {
	}

	record ChainShipped(String id) {
	}

	record Held(String id) {
	}

	record Committed(String id) {
	}

	record Relayed(String id) {
	}

	/** Mails a receipt per order: 5 ms each, so after three orders its lane runs on a worker. */
	static final class Mailer {

		private final List<String> sent = new CopyOnWriteArrayList<>();

		private final List<String> threads = new CopyOnWriteArrayList<>();

		@EventListener
		void mail(OrderPlaced order) {
			ListenerWork.spend(ListenerWork.PER_EVENT);
			this.threads.add(Thread.currentThread().getName());
			this.sent.add(order.id());
		}

		List<String> sent() {
			return this.sent;
		}

		List<String> threads() {
			return this.threads;
		}

	}

	/**
	 * Three levels: {@link ChainStarted} is answered (5 ms later) with a {@link ChainConfirmed} that Spring
	 * re-publishes; that one publishes {@link ChainShipped} and queues a follow-up task; the last level records.
	 */
	static final class Chain {

		private final ApplicationEventPublisher publisher;

		private final Executor queue;

		private final List<String> shipped = new CopyOnWriteArrayList<>();

		private final List<String> followUps = new CopyOnWriteArrayList<>();

		Chain(ApplicationEventPublisher publisher, Executor queue) {
			this.publisher = publisher;
			this.queue = queue;
		}

		@EventListener
		ChainConfirmed confirm(ChainStarted started) {
			ListenerWork.spend(ListenerWork.PER_EVENT);
			return new ChainConfirmed(started.id());
		}

		@EventListener
		void ship(ChainConfirmed confirmed) {
			this.publisher.publishEvent(new ChainShipped(confirmed.id()));
			this.queue.execute(() -> {
				ListenerWork.spend(ListenerWork.PER_EVENT);
				this.followUps.add(confirmed.id());
			});
		}

		@EventListener
		void record(ChainShipped shipped) {
			this.shipped.add(shipped.id());
		}

		List<String> shipped() {
			return this.shipped;
		}

		List<String> followUps() {
			return this.followUps;
		}

	}

	/** Holds each {@link Held} event until the test opens the gate (at most 30 s). */
	static final class Gate {

		private volatile CountDownLatch open = new CountDownLatch(1);

		private final List<String> passed = new CopyOnWriteArrayList<>();

		@EventListener
		void hold(Held held) throws InterruptedException {
			this.open.await(30, TimeUnit.SECONDS);
			this.passed.add(held.id());
		}

		void close() {
			this.open = new CountDownLatch(1);
		}

		void open() {
			this.open.countDown();
		}

		List<String> passed() {
			return this.passed;
		}

	}

	/**
	 * After the commit of a transaction (on the committing thread, from Spring's {@code afterCompletion}): for
	 * {@link Committed}, queues 5 ms of work, as a module listener's invocation is queued; for {@link Relayed},
	 * publishes {@link Held}.
	 */
	static final class AfterCommit {

		private final Executor queue;

		private final ApplicationEventPublisher publisher;

		private final List<String> done = new CopyOnWriteArrayList<>();

		AfterCommit(Executor queue, ApplicationEventPublisher publisher) {
			this.queue = queue;
			this.publisher = publisher;
		}

		@TransactionalEventListener
		void relay(Relayed relayed) {
			this.publisher.publishEvent(new Held(relayed.id()));
		}

		@TransactionalEventListener
		void afterCommit(Committed committed) {
			this.queue.execute(() -> {
				ListenerWork.spend(ListenerWork.PER_EVENT);
				this.done.add(committed.id());
			});
		}

		List<String> done() {
			return this.done;
		}

	}

}
