package io.github.selectorwakequeue.autoconfigure;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import io.github.selectorwakequeue.SelectorWakeQueue;
import jakarta.annotation.PreDestroy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * What {@code context.close()} guarantees: queued events are delivered on the queue while the shutdown timeout
 * lasts; what is left after it is reported per listener and not delivered (the timeout bounds the close), and none
 * of it is delivered later or twice; events published after the queue closed are delivered on their publisher's
 * thread.
 */
@ExtendWith(OutputCaptureExtension.class)
class SelectorWakeQueueShutdownTests {

	private static final int EVENTS = 50_000;

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	@Test
	void eventsQueuedBehindASlowListenerAreAllDeliveredBeforeCloseReturns() {
		assertTimeoutPreemptively(TIMEOUT, () -> {
			// Strict single-thread delivery, so that every event is on the reactor: with lanes the stuck listener would
			// be handed off and its events delivered on its own thread (see the lanes test below).
			ConfigurableApplicationContext context = run("--selector-wake-queue.shutdown-timeout=60s",
					"--release-on-close=true", "--selector-wake-queue.lanes.enabled=false");
			SlowListener listener = context.getBean(SlowListener.class);
			SelectorWakeQueue queue = context.getBean(SelectorWakeQueue.class);
			publishBehindBlockedListener(context, listener);
			assertThat(queue.stats().size()).isGreaterThan(0);
			Thread closer = Thread.currentThread();

			context.close();

			assertThat(listener.delivered).hasValue(EVENTS + 1);
			assertThat(listener.deliveredOnReactor).hasValue(EVENTS);
			assertDeliveredExactlyOnce(listener);
			// Published from a @PreDestroy method, after the queue closed: delivered on the closing thread.
			assertThat(listener.lastEventThread).isSameAs(closer);
		});
	}

	@Test
	void eventsLeftWhenTheShutdownTimeoutPassesAreReportedPerListenerAndNeverDelivered(CapturedOutput output) {
		assertTimeoutPreemptively(TIMEOUT, () -> {
			// Strict single-thread delivery: the reactor itself stays stuck in event 0 (with lanes it would be
			// handed off and the reactor would go on: see the next test).
			ConfigurableApplicationContext context = run("--selector-wake-queue.shutdown-timeout=100ms",
					"--release-on-close=false", "--selector-wake-queue.lanes.enabled=false");
			SlowListener listener = context.getBean(SlowListener.class);
			publishBehindBlockedListener(context, listener);

			context.close();

			// The reactor is still stuck in event 0; the 49,999 behind it were reported, not delivered; only the one
			// published from @PreDestroy, after the queue closed, was delivered (on the closing thread).
			assertThat(listener.deliveredOnClosingThread).hasValue(1);
			assertThat(listener.deliveredOnReactor).hasValue(0);
			assertThat(output).contains("SlowListener.onWork(Work): " + (EVENTS - 1));
			listener.release.countDown();
			await().atMost(TIMEOUT).until(() -> listener.deliveredOnReactor.get() == 1);
			assertThat(listener.delivered).hasValue(2);
			assertDeliveredAtMostOnce(listener);
		});
	}

	@Test
	void withLanesAStuckListenersLaterEventsWaitBehindItAndAreReportedAtTheTimeout(CapturedOutput output) {
		assertTimeoutPreemptively(TIMEOUT, () -> {
			ConfigurableApplicationContext context = run("--selector-wake-queue.shutdown-timeout=300ms",
					"--release-on-close=false", "--selector-wake-queue.lanes.stuck-threshold=50ms");
			SlowListener listener = context.getBean(SlowListener.class);
			SelectorWakeQueue queue = context.getBean(SelectorWakeQueue.class);
			publishBehindBlockedListener(context, listener);

			context.close();

			// Event 0 is still running on the thread that was handed off, and the listener's later events wait behind
			// it in its lane, in order, one at a time: at the timeout they were reported, not delivered.
			assertThat(queue.stats().reactorHandOffs()).isEqualTo(1);
			assertThat(listener.delivered).as("only the event published after close").hasValue(1);
			assertThat(output).contains("SlowListener.onWork(Work): " + (EVENTS - 1));
			listener.release.countDown();
			await().atMost(TIMEOUT).until(() -> listener.delivered.get() == 2);
			assertDeliveredAtMostOnce(listener);
		});
	}

	private static ConfigurableApplicationContext run(String... args) {
		return new SpringApplicationBuilder(ShutdownApplication.class).web(WebApplicationType.NONE).run(args);
	}

	private static void publishBehindBlockedListener(ConfigurableApplicationContext context, SlowListener listener)
			throws InterruptedException {
		context.publishEvent(new Work(0));
		assertThat(listener.blocked.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		for (int i = 1; i < EVENTS; i++) {
			context.publishEvent(new Work(i));
		}
	}

	private static void assertDeliveredAtMostOnce(SlowListener listener) {
		for (int i = 0; i <= EVENTS; i++) {
			assertThat(listener.seen.get(i)).as("deliveries of event %d", i).isLessThanOrEqualTo(1);
		}
	}

	private static void assertDeliveredExactlyOnce(SlowListener listener) {
		for (int i = 0; i <= EVENTS; i++) {
			assertThat(listener.seen.get(i)).as("deliveries of event %d", i).isEqualTo(1);
		}
	}

	record Work(int number) {
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(SelectorWakeQueueAutoConfiguration.class)
	static class ShutdownApplication {

		@Bean
		SlowListener slowListener(SelectorWakeQueue queue,
				org.springframework.core.env.Environment environment) {
			return new SlowListener(queue, environment.getProperty("release-on-close", Boolean.class, true));
		}

		@Bean
		LatePublisher latePublisher(ApplicationEventPublisher publisher, SlowListener listener) {
			return new LatePublisher(publisher);
		}

	}

	static final class SlowListener {

		private final SelectorWakeQueue queue;

		private final boolean releaseOnClose;

		final CountDownLatch blocked = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		final CountDownLatch allDone = new CountDownLatch(EVENTS);

		final AtomicIntegerArray seen = new AtomicIntegerArray(EVENTS + 1);

		final AtomicInteger delivered = new AtomicInteger();

		final AtomicInteger deliveredOnReactor = new AtomicInteger();

		final AtomicInteger deliveredOnClosingThread = new AtomicInteger();

		volatile Thread closingThread;

		volatile Thread lastEventThread;

		SlowListener(SelectorWakeQueue queue, boolean releaseOnClose) {
			this.queue = queue;
			this.releaseOnClose = releaseOnClose;
		}

		@EventListener
		void onClose(ContextClosedEvent event) {
			this.closingThread = Thread.currentThread();
			if (this.releaseOnClose) {
				this.release.countDown();
			}
		}

		@EventListener
		void onWork(Work work) throws InterruptedException {
			if (work.number() == 0) {
				this.blocked.countDown();
				this.release.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			}
			if (this.queue.isReactorThread()) {
				this.deliveredOnReactor.incrementAndGet();
			}
			else if (Thread.currentThread() == this.closingThread) {
				this.deliveredOnClosingThread.incrementAndGet();
			}
			if (work.number() == EVENTS) {
				this.lastEventThread = Thread.currentThread();
			}
			this.seen.incrementAndGet(work.number());
			this.delivered.incrementAndGet();
			if (work.number() < EVENTS) {
				this.allDone.countDown();
			}
		}

	}

	/** Publishes one more event while beans are destroyed, after the lifecycle closed the queue. */
	static final class LatePublisher {

		private final ApplicationEventPublisher publisher;

		LatePublisher(ApplicationEventPublisher publisher) {
			this.publisher = publisher;
		}

		@PreDestroy
		void publishLast() {
			this.publisher.publishEvent(new Work(EVENTS));
		}

	}

}
