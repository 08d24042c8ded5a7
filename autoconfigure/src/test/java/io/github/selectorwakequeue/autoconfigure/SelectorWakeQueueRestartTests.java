package io.github.selectorwakequeue.autoconfigure;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.selectorwakequeue.SelectorWakeQueue;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@code context.stop()} and {@code start()} (and {@code pause()} and {@code restart()}), as Spring Cloud's
 * pause and resume use them: stopping waits until what was queued has run but keeps the reactor, so events
 * stay asynchronous after {@code start()}; only closing the context closes the queue.
 */
class SelectorWakeQueueRestartTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final int EVENTS = 1000;

	// Strict single-thread delivery: these tests hold the reactor in a listener and assert that every event ran on
	// the reactor; with lanes the held listener would be handed off after 100 ms and finish on its own thread.
	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SelectorWakeQueueAutoConfiguration.class))
		.withUserConfiguration(ListenerConfiguration.class)
		.withPropertyValues("selector-wake-queue.lanes.enabled=false");

	@Test
	void afterStopAndStartEventsAreStillDeliveredOnTheReactor() {
		assertTimeoutPreemptively(TIMEOUT, () -> this.runner.run((context) -> {
			SelectorWakeQueue queue = context.getBean(SelectorWakeQueue.class);
			Listener listener = context.getBean(Listener.class);

			context.stop();
			context.start();
			context.publishEvent(new Work(1));

			Delivery delivery = listener.next();
			assertThat(delivery.onReactor()).as("delivered on the reactor after start()").isTrue();
			assertThat(delivery.thread()).isNotSameAs(Thread.currentThread());
			assertThat(queue.isClosed()).isFalse();
			assertThat(queue.stats().running()).isTrue();
		}));
	}

	@Test
	void stopReturnsOnceTheEventsQueuedBeforeItHaveBeenDelivered() {
		assertTimeoutPreemptively(TIMEOUT, () -> this.runner.run((context) -> {
			SelectorWakeQueue queue = context.getBean(SelectorWakeQueue.class);
			Listener listener = context.getBean(Listener.class);
			publishBehindBlockedListener(context::publishEvent, listener);

			// The listener is released by a lifecycle bean that stops before the queue's (a higher phase).
			context.stop();

			assertThat(listener.deliveries).hasSize(EVENTS).allMatch(Delivery::onReactor);
			assertThat(queue.isClosed()).isFalse();
		}));
	}

	@Test
	void pauseReturnsOnceTheEventsQueuedBeforeItHaveBeenDeliveredAndRestartKeepsTheReactor() {
		assertTimeoutPreemptively(TIMEOUT, () -> this.runner.run((context) -> {
			SelectorWakeQueue queue = context.getBean(SelectorWakeQueue.class);
			Listener listener = context.getBean(Listener.class);
			publishBehindBlockedListener(context::publishEvent, listener);

			context.pause();

			assertThat(listener.deliveries).hasSize(EVENTS).allMatch(Delivery::onReactor);
			listener.deliveries.clear();
			context.restart();
			context.publishEvent(new Work(EVENTS));
			assertThat(listener.next().onReactor()).isTrue();
			assertThat(queue.isClosed()).isFalse();
		}));
	}

	@Test
	void closingAStoppedContextClosesTheQueue() {
		assertTimeoutPreemptively(TIMEOUT, () -> {
			SelectorWakeQueue[] queue = new SelectorWakeQueue[1];
			this.runner.run((context) -> {
				queue[0] = context.getBean(SelectorWakeQueue.class);
				context.stop();
				assertThat(queue[0].isClosed()).isFalse();
			});
			assertThat(queue[0].isClosed()).isTrue();
		});
	}

	@Test
	void closingARestartedContextClosesTheQueue() {
		assertTimeoutPreemptively(TIMEOUT, () -> {
			SelectorWakeQueue[] queue = new SelectorWakeQueue[1];
			this.runner.run((context) -> {
				queue[0] = context.getBean(SelectorWakeQueue.class);
				context.stop();
				context.start();
			});
			assertThat(queue[0].isClosed()).isTrue();
		});
	}

	private static void publishBehindBlockedListener(Consumer<Object> publisher, Listener listener)
			throws InterruptedException {
		publisher.accept(new Work(0));
		assertThat(listener.blocked.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		for (int i = 1; i < EVENTS; i++) {
			publisher.accept(new Work(i));
		}
		assertThat(listener.deliveries).isEmpty();
	}

	record Work(int number) {
	}

	record Delivery(Work work, Thread thread, boolean onReactor) {
	}

	@Configuration(proxyBeanMethods = false)
	static class ListenerConfiguration {

		@Bean
		Listener listener(SelectorWakeQueue queue) {
			return new Listener(queue);
		}

		/** Stops before the queue's lifecycle (stopping runs from the highest phase down): releases the listener. */
		@Bean
		SmartLifecycle releaseListenerOnStop(Listener listener) {
			return new SmartLifecycle() {

				private volatile boolean running;

				@Override
				public void start() {
					this.running = true;
				}

				@Override
				public void stop() {
					this.running = false;
					listener.release.countDown();
				}

				@Override
				public boolean isRunning() {
					return this.running;
				}

			};
		}

	}

	static final class Listener {

		private final SelectorWakeQueue queue;

		final CountDownLatch blocked = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		final BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();

		Listener(SelectorWakeQueue queue) {
			this.queue = queue;
		}

		@EventListener
		void on(Work work) throws InterruptedException {
			if (work.number() == 0) {
				this.blocked.countDown();
				this.release.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			}
			this.deliveries.add(new Delivery(work, Thread.currentThread(), this.queue.isReactorThread()));
		}

		Delivery next() throws InterruptedException {
			Delivery delivery = this.deliveries.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			assertThat(delivery).as("a delivery within %s", TIMEOUT).isNotNull();
			return delivery;
		}

	}

}
