package io.github.selectorwakequeue.spring.event;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.autoconfigure.SelectorWakeQueueAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.MDC;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.util.ErrorHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Routing rules of {@link SelectorWakeQueueEventMulticaster}, one per test, in a minimal context.
 */
@ExtendWith(OutputCaptureExtension.class)
class SelectorWakeQueueEventMulticasterTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SelectorWakeQueueAutoConfiguration.class))
		.withUserConfiguration(RecordingConfiguration.class);

	@Test
	void listenersRunOnTheReactorInTheirOrder() {
		this.runner.run((context) -> {
			Recorder recorder = context.getBean(Recorder.class);
			recorder.expect(2);
			context.publishEvent(new Ordered("x"));
			recorder.await();
			assertThat(recorder.records).containsExactly("first x @reactor", "second x @reactor");
		});
	}

	@Test
	void configuredSynchronousTypesAndTheirSubclassesStayOnThePublishersThread() {
		this.runner.withPropertyValues("selector-wake-queue.events.synchronous-types=" + Audit.class.getName())
			.run((context) -> {
				Recorder recorder = context.getBean(Recorder.class);
				context.publishEvent(new SecurityAudit("login"));
				assertThat(recorder.records).containsExactly("audit login @publisher");
			});
	}

	@Test
	void userErrorHandlerReceivesListenerFailuresInsteadOfTheQueue() {
		this.runner.withUserConfiguration(ErrorHandlerConfiguration.class).run((context) -> {
			Recorder recorder = context.getBean(Recorder.class);
			RecordingErrorHandler errorHandler = context.getBean(RecordingErrorHandler.class);
			SelectorWakeQueue queue = context.getBean(SelectorWakeQueue.class);
			recorder.expect(1);
			context.publishEvent(new Failing("a"));
			context.publishEvent(new Ordered("after"));
			recorder.expect(2);
			context.publishEvent(new Ordered("y"));
			recorder.await();
			assertThat(errorHandler.errors).singleElement()
				.satisfies((error) -> assertThat(error).hasMessage("failing a"));
			assertThat(errorHandler.onReactor).hasValue(1);
			assertThat(queue.stats().failed()).isZero();
		});
	}

	@Test
	void aFailingListenerIsLoggedWithItsNameAndTheEvent(CapturedOutput output) {
		this.runner.run((context) -> {
			Recorder recorder = context.getBean(Recorder.class);
			context.publishEvent(new Failing("logged"));
			recorder.expect(1);
			context.publishEvent(new Ordered("after"));
			recorder.await();
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(output.getOut())
				.contains("Listener 'Recorder.failing(Failing)' failed on event " + Failing.class.getName()
						+ " in queue 'selector-wake-queue'")
				.contains("java.lang.IllegalStateException: failing logged"));
		});
	}

	@Test
	void userErrorHandlerDoesNotSwallowAPublisherThreadListenersException() {
		this.runner.withUserConfiguration(ErrorHandlerConfiguration.class)
			.withPropertyValues("selector-wake-queue.events.synchronous-types=" + FailingAudit.class.getName())
			.run((context) -> {
				RecordingErrorHandler errorHandler = context.getBean(RecordingErrorHandler.class);
				assertThatIllegalStateException().isThrownBy(() -> context.publishEvent(new FailingAudit("sync")))
					.withMessage("failing audit sync");
				assertThat(errorHandler.errors).isEmpty();
			});
	}

	@Test
	void userErrorHandlerDoesNotSwallowAFailingContextRefreshedListener() {
		this.runner.withUserConfiguration(ErrorHandlerConfiguration.class, FailingRefreshConfiguration.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).isInstanceOf(IllegalStateException.class)
					.hasMessage("refresh listener failed");
			});
	}

	@Test
	void publishingFromTheReactorIntoAFullQueueWaitsInOrderBehindItAndTerminates() {
		// A stuck threshold out of reach: on a loaded machine the 1,000 deliveries can take longer than the default
		// 100 ms, and a hand-off would move the rest of them to a new reactor thread (not what this tests).
		this.runner.withPropertyValues("selector-wake-queue.capacity=16", "selector-wake-queue.lanes.stuck-threshold=1m")
			.run((context) -> {
				Recorder recorder = context.getBean(Recorder.class);
				SelectorWakeQueue queue = context.getBean(SelectorWakeQueue.class);
				recorder.fanOutDone = new CountDownLatch(1001);
				assertTimeoutPreemptively(TIMEOUT, () -> {
					context.publishEvent(new FanOut(1000));
					assertThat(recorder.fanOutDone.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
				});
				assertThat(recorder.fanOutOffReactor).hasValue(0);
				assertThat(queue.stats().overflowed()).as("kept in order behind the full queue").isPositive();
				assertThat(queue.stats().callerRuns()).isZero();
				// every one went through the queue: counted as async, not as delivered on the publisher's thread
				assertThat(context.getBean(EventRoutingStatus.class).asyncCount()).as("events counted as async")
					.isGreaterThanOrEqualTo(1001);
			});
	}

	@Test
	void aListenerChainRepublishingIntoAFullQueueFromTheReactorRunsAtConstantStackDepth() {
		this.runner.withPropertyValues("selector-wake-queue.capacity=16").run((context) -> {
			Recorder recorder = context.getBean(Recorder.class);
			SelectorWakeQueue queue = context.getBean(SelectorWakeQueue.class);
			int chain = 100_000;
			recorder.chainDone = new CountDownLatch(1);
			assertTimeoutPreemptively(TIMEOUT, () -> {
				context.publishEvent(new FillThenChain(chain));
				assertThat(recorder.chainDone.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			});
			assertThat(recorder.chainOutOfOrder).hasValue(0);
			assertThat(recorder.chainDelivered).hasValue(chain);
			assertThat(recorder.deepestChainLink).hasValueLessThan(400);
			assertThat(queue.stats().failed()).isZero();
		});
	}

	@Test
	void rejectedEventIsDeliveredOnThePublishersThreadAsSpringDoes() {
		this.runner.withPropertyValues("selector-wake-queue.capacity=2", "selector-wake-queue.overflow-policy=reject")
			.run((context) -> {
				Recorder recorder = context.getBean(Recorder.class);
				SelectorWakeQueue queue = context.getBean(SelectorWakeQueue.class);
				assertTimeoutPreemptively(TIMEOUT, () -> {
					context.publishEvent(new Blocker());
					assertThat(recorder.blocked.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
					context.publishEvent(new Ordered("1"));
					context.publishEvent(new Ordered("2"));
					context.publishEvent(new Ordered("3"));
					assertThat(queue.stats().rejected()).isEqualTo(1);
					assertThat(recorder.records).containsExactly("first 3 @publisher", "second 3 @publisher");
					recorder.expect(4);
					recorder.release.countDown();
					recorder.await();
				});
				assertThat(recorder.records).containsExactly("first 1 @reactor", "second 1 @reactor",
						"first 2 @reactor", "second 2 @reactor");
			});
	}

	@Test
	void publishAfterTheQueueClosedIsDeliveredOnThePublishersThreadWithoutThrowing() {
		this.runner.withPropertyValues("selector-wake-queue.overflow-policy=reject").run((context) -> {
			Recorder recorder = context.getBean(Recorder.class);
			context.getBean(SelectorWakeQueue.class).close(Duration.ofSeconds(5));
			context.publishEvent(new Ordered("late"));
			assertThat(recorder.records).containsExactly("first late @publisher", "second late @publisher");
		});
	}

	@Test
	void listenerRepublishingAfterTheQueueClosedRunsOnThePublishersThreadWithoutNesting() {
		this.runner.run((context) -> {
			Recorder recorder = context.getBean(Recorder.class);
			context.getBean(SelectorWakeQueue.class).close(Duration.ofSeconds(5));
			assertTimeoutPreemptively(TIMEOUT, () -> {
				recorder.publisherThread = Thread.currentThread();
				context.publishEvent(new Countdown(10_000));
			});
			assertThat(recorder.countdownDeliveries).hasValue(10_001);
			assertThat(recorder.countdownOffPublisher).hasValue(0);
			assertThat(recorder.maxCountdownDepth).isEqualTo(1);
		});
	}

	@Test
	void eachEventIsCountedOnceOnTheWayItWent() {
		this.runner.withPropertyValues("selector-wake-queue.events.synchronous-types=" + Audit.class.getName())
			.run((context) -> {
				Recorder recorder = context.getBean(Recorder.class);
				EventRoutingStatus status = context.getBean(EventRoutingStatus.class);
				long async = status.asyncCount();
				long sync = status.syncCount();
				recorder.expect(2);
				context.publishEvent(new Ordered("counted"));
				recorder.await();
				context.publishEvent(new SecurityAudit("synchronous"));
				assertThat(status.asyncCount() - async).isEqualTo(1);
				assertThat(status.syncCount() - sync).isEqualTo(1);
			});
	}

	@Test
	void withoutPropagationTheListenerDoesNotSeeThePublishersMdc() {
		this.runner.withPropertyValues("selector-wake-queue.events.propagate-context=false").run((context) -> {
			Recorder recorder = context.getBean(Recorder.class);
			recorder.expect(1);
			MDC.put("requestId", "r-1");
			try {
				context.publishEvent(new Traced("t"));
			}
			finally {
				MDC.remove("requestId");
			}
			recorder.await();
			assertThat(recorder.records).containsExactly("traced t requestId=null");
		});
	}

	@Test
	void withoutContextPropagationOnTheClassPathNothingIsPropagatedAndEventsStillFlow() {
		this.runner.withClassLoader(new FilteredClassLoader("io.micrometer.context")).run((context) -> {
			Recorder recorder = context.getBean(Recorder.class);
			recorder.expect(1);
			MDC.put("requestId", "r-2");
			try {
				context.publishEvent(new Traced("t"));
			}
			finally {
				MDC.remove("requestId");
			}
			recorder.await();
			assertThat(recorder.records).containsExactly("traced t requestId=null");
		});
	}

	record Ordered(String id) {
	}

	static class Audit {

	}

	static final class SecurityAudit extends Audit {

		private final String what;

		SecurityAudit(String what) {
			this.what = what;
		}

	}

	record Failing(String id) {
	}

	record FailingAudit(String id) {
	}

	@Configuration(proxyBeanMethods = false)
	static class FailingRefreshConfiguration {

		@EventListener
		void onRefresh(ContextRefreshedEvent event) {
			throw new IllegalStateException("refresh listener failed");
		}

	}

	record FanOut(int children) {
	}

	record Child(int number) {
	}

	record Blocker() {
	}

	record FillThenChain(int length) {
	}

	record ChainLink(int index, int length) {
	}

	record Traced(String id) {
	}

	record Countdown(int remaining) {
	}

	@Configuration(proxyBeanMethods = false)
	static class RecordingConfiguration {

		@Bean
		Recorder recorder(SelectorWakeQueue queue, ApplicationEventPublisher publisher) {
			return new Recorder(queue, publisher);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ErrorHandlerConfiguration {

		@Bean
		RecordingErrorHandler recordingErrorHandler(SelectorWakeQueue queue) {
			return new RecordingErrorHandler(queue);
		}

	}

	static final class RecordingErrorHandler implements ErrorHandler {

		private final SelectorWakeQueue queue;

		final List<Throwable> errors = new CopyOnWriteArrayList<>();

		final AtomicInteger onReactor = new AtomicInteger();

		RecordingErrorHandler(SelectorWakeQueue queue) {
			this.queue = queue;
		}

		@Override
		public void handleError(Throwable error) {
			this.errors.add(error);
			if (this.queue.isReactorThread()) {
				this.onReactor.incrementAndGet();
			}
		}

	}

	static final class Recorder {

		private final SelectorWakeQueue queue;

		private final ApplicationEventPublisher publisher;

		final List<String> records = new CopyOnWriteArrayList<>();

		volatile CountDownLatch done = new CountDownLatch(0);

		volatile CountDownLatch fanOutDone = new CountDownLatch(0);

		final AtomicInteger fanOutOffReactor = new AtomicInteger();

		final CountDownLatch blocked = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		Recorder(SelectorWakeQueue queue, ApplicationEventPublisher publisher) {
			this.queue = queue;
			this.publisher = publisher;
		}

		void expect(int records) {
			this.records.clear();
			this.done = new CountDownLatch(records);
		}

		void await() {
			CountDownLatch latch = this.done;
			assertTimeoutPreemptively(TIMEOUT,
					() -> assertThat(latch.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("listeners ran").isTrue());
		}

		private void record(String record) {
			this.records.add(record + (this.queue.isReactorThread() ? " @reactor" : " @publisher"));
			this.done.countDown();
		}

		@EventListener
		@Order(1)
		void first(Ordered event) {
			record("first " + event.id());
		}

		@EventListener
		@Order(2)
		void second(Ordered event) {
			record("second " + event.id());
		}

		@EventListener
		void audit(SecurityAudit event) {
			record("audit " + event.what);
		}

		@EventListener
		void failingAudit(FailingAudit event) {
			throw new IllegalStateException("failing audit " + event.id());
		}

		@EventListener
		void failing(Failing event) {
			throw new IllegalStateException("failing " + event.id());
		}

		@EventListener
		void fanOut(FanOut event) {
			countFanOut();
			for (int i = 0; i < event.children(); i++) {
				this.publisher.publishEvent(new Child(i));
			}
		}

		@EventListener
		void child(Child event) {
			countFanOut();
		}

		private void countFanOut() {
			if (!this.queue.isReactorThread()) {
				this.fanOutOffReactor.incrementAndGet();
			}
			this.fanOutDone.countDown();
		}

		volatile CountDownLatch chainDone = new CountDownLatch(0);

		final AtomicInteger chainDelivered = new AtomicInteger();

		final AtomicInteger chainOutOfOrder = new AtomicInteger();

		final AtomicInteger deepestChainLink = new AtomicInteger();

		@EventListener
		void fillThenChain(FillThenChain event) {
			// fill the queue from the reactor, so that every publish below finds it full and runs inline
			while (this.queue.offer(() -> {
			})) {
				// fill
			}
			this.publisher.publishEvent(new ChainLink(0, event.length()));
		}

		@EventListener
		void chainLink(ChainLink event) {
			if (this.chainDelivered.getAndIncrement() != event.index()) {
				this.chainOutOfOrder.incrementAndGet();
			}
			if (event.index() % 1000 == 0) {
				this.deepestChainLink.accumulateAndGet(Thread.currentThread().getStackTrace().length, Math::max);
			}
			if (event.index() + 1 < event.length()) {
				this.publisher.publishEvent(new ChainLink(event.index() + 1, event.length()));
			}
			else {
				this.chainDone.countDown();
			}
		}

		@EventListener
		void blocker(Blocker event) throws InterruptedException {
			this.blocked.countDown();
			this.release.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		}

		final AtomicInteger countdownDeliveries = new AtomicInteger();

		final AtomicInteger countdownOffPublisher = new AtomicInteger();

		volatile Thread publisherThread;

		private int countdownDepth;

		volatile int maxCountdownDepth;

		@EventListener
		void countdown(Countdown event) {
			this.countdownDepth++;
			this.maxCountdownDepth = Math.max(this.maxCountdownDepth, this.countdownDepth);
			try {
				this.countdownDeliveries.incrementAndGet();
				if (Thread.currentThread() != this.publisherThread) {
					this.countdownOffPublisher.incrementAndGet();
				}
				if (event.remaining() > 0) {
					this.publisher.publishEvent(new Countdown(event.remaining() - 1));
				}
			}
			finally {
				this.countdownDepth--;
			}
		}

		@EventListener
		void traced(Traced event) {
			this.records.add("traced " + event.id() + " requestId=" + MDC.get("requestId"));
			this.done.countDown();
		}

	}

}
