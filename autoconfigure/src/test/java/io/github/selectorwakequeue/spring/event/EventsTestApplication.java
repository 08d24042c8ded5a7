package io.github.selectorwakequeue.spring.event;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.selectorwakequeue.SelectorWakeQueue;
import org.slf4j.MDC;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * One application shared by the event routing tests (the test context cache keeps it for all of them): its
 * listeners record what they received and on which thread.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class EventsTestApplication {

	static final String[] PROPERTIES = { "selector-wake-queue.capacity=262144" };

	@Bean
	static EarlyPublisher earlyPublisher() {
		return new EarlyPublisher();
	}

	@Bean
	EarlyListener earlyListener(SelectorWakeQueue queue) {
		return new EarlyListener(queue);
	}

	@Bean
	Listeners listeners(SelectorWakeQueue queue, ApplicationEventPublisher publisher) {
		return new Listeners(queue, publisher);
	}

	record Sequenced(int publisher, int number) {
	}

	record Flaky(int number) {
	}

	record Countdown(int remaining) {
	}

	record Traced(String label) {
	}

	record Ping(int number) {
	}

	record Pong(int number) {
	}

	record OrderPlaced(String id) {
	}

	/** Published from a bean factory post-processor: buffered by the context and multicast in registerListeners(). */
	static final class EarlyEvent extends ApplicationEvent {

		EarlyEvent(Object source) {
			super(source);
		}

	}

	static final class EarlyPublisher implements BeanFactoryPostProcessor, ApplicationEventPublisherAware {

		private ApplicationEventPublisher publisher;

		@Override
		public void setApplicationEventPublisher(ApplicationEventPublisher publisher) {
			this.publisher = publisher;
		}

		@Override
		public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
			this.publisher.publishEvent(new EarlyEvent(this));
		}

	}

	/** A listener bean (not an @EventListener method: those register only after the early events went out). */
	static final class EarlyListener implements ApplicationListener<EarlyEvent> {

		private final SelectorWakeQueue queue;

		final CountDownLatch received = new CountDownLatch(1);

		volatile boolean onReactor;

		EarlyListener(SelectorWakeQueue queue) {
			this.queue = queue;
		}

		@Override
		public void onApplicationEvent(EarlyEvent event) {
			this.onReactor = this.queue.isReactorThread();
			this.received.countDown();
		}

	}

	static final class Listeners {

		private final SelectorWakeQueue queue;

		private final ApplicationEventPublisher publisher;

		final Thread refreshThread = Thread.currentThread();

		volatile Thread contextRefreshedThread;

		volatile Thread applicationReadyThread;

		// Sequenced: written by the reactor only, read by the test after the latch.
		final int[] nextNumber = new int[3];

		final AtomicInteger outOfOrder = new AtomicInteger();

		// Deliveries neither on the reactor nor on a lane worker (a listener the load makes slow may move there).
		final AtomicInteger offQueue = new AtomicInteger();

		volatile CountDownLatch sequencedDone = new CountDownLatch(0);

		final List<String> flaky = new CopyOnWriteArrayList<>();

		volatile CountDownLatch flakyDone = new CountDownLatch(0);

		final AtomicInteger countdownDeliveries = new AtomicInteger();

		private int countdownDepth;

		volatile int maxCountdownDepth;

		volatile CountDownLatch countdownDone = new CountDownLatch(0);

		final List<String> tracedMdc = new CopyOnWriteArrayList<>();

		volatile CountDownLatch tracedDone = new CountDownLatch(0);

		volatile boolean pongOnReactor;

		volatile CountDownLatch pongDone = new CountDownLatch(0);

		final List<String> committed = new CopyOnWriteArrayList<>();

		volatile Thread committedThread;

		Listeners(SelectorWakeQueue queue, ApplicationEventPublisher publisher) {
			this.queue = queue;
			this.publisher = publisher;
		}

		@EventListener
		void onContextRefreshed(ContextRefreshedEvent event) {
			this.contextRefreshedThread = Thread.currentThread();
		}

		@EventListener
		void onApplicationReady(ApplicationReadyEvent event) {
			this.applicationReadyThread = Thread.currentThread();
		}

		@EventListener
		void onSequenced(Sequenced event) {
			if (!this.queue.isReactorThread()
					&& !Thread.currentThread().getName().startsWith(this.queue.name() + "-lane-worker-")) {
				this.offQueue.incrementAndGet();
			}
			if (this.nextNumber[event.publisher()] != event.number()) {
				this.outOfOrder.incrementAndGet();
			}
			this.nextNumber[event.publisher()] = event.number() + 1;
			this.sequencedDone.countDown();
		}

		@EventListener
		@Order(1)
		void flakyFirst(Flaky event) {
			if (event.number() == 1) {
				throw new IllegalStateException("listener failure on purpose");
			}
			this.flaky.add("first-" + event.number());
		}

		@EventListener
		@Order(2)
		void flakySecond(Flaky event) {
			this.flaky.add("second-" + event.number());
			this.flakyDone.countDown();
		}

		@EventListener
		void onCountdown(Countdown event) {
			this.countdownDepth++;
			this.maxCountdownDepth = Math.max(this.maxCountdownDepth, this.countdownDepth);
			try {
				this.countdownDeliveries.incrementAndGet();
				if (event.remaining() > 0) {
					this.publisher.publishEvent(new Countdown(event.remaining() - 1));
				}
				else {
					this.countdownDone.countDown();
				}
			}
			finally {
				this.countdownDepth--;
			}
		}

		@EventListener
		void onTraced(Traced event) {
			this.tracedMdc.add(event.label() + "=" + MDC.get("requestId") + (this.queue.isReactorThread() ? "@reactor" : "@other"));
			this.tracedDone.countDown();
		}

		@EventListener
		Pong onPing(Ping event) {
			return new Pong(event.number());
		}

		@EventListener
		void onPong(Pong event) {
			this.pongOnReactor = this.queue.isReactorThread();
			this.pongDone.countDown();
		}

		@TransactionalEventListener
		void onOrderPlaced(OrderPlaced event) {
			this.committedThread = Thread.currentThread();
			this.committed.add(event.id());
		}

	}

}
