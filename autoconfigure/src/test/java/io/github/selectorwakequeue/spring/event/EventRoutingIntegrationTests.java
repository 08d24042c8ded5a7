package io.github.selectorwakequeue.spring.event;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.spring.event.EventsTestApplication.Countdown;
import io.github.selectorwakequeue.spring.event.EventsTestApplication.EarlyListener;
import io.github.selectorwakequeue.spring.event.EventsTestApplication.Flaky;
import io.github.selectorwakequeue.spring.event.EventsTestApplication.Listeners;
import io.github.selectorwakequeue.spring.event.EventsTestApplication.Ping;
import io.github.selectorwakequeue.spring.event.EventsTestApplication.Pong;
import io.github.selectorwakequeue.spring.event.EventsTestApplication.Sequenced;
import io.github.selectorwakequeue.spring.event.EventsTestApplication.Traced;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.context.event.RecordApplicationEvents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Application events in a full Spring Boot application: delivered once, in order, on the reactor; framework
 * events on the main thread; failures, re-publishing and context handled.
 */
@SpringBootTest(classes = EventsTestApplication.class, webEnvironment = WebEnvironment.NONE,
		properties = "selector-wake-queue.capacity=262144")
@RecordApplicationEvents
class EventRoutingIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	@Autowired
	private ApplicationEventPublisher publisher;

	@Autowired
	private ConfigurableApplicationContext context;

	@Autowired
	private Listeners listeners;

	@Autowired
	private EarlyListener earlyListener;

	@Autowired
	private SelectorWakeQueue queue;

	@Autowired
	private EventRoutingStatus status;

	@Autowired
	private ApplicationEvents recordedEvents;

	@Test
	void multicasterIsOursAndRoutingIsActive() {
		assertThat(this.context.getBean("applicationEventMulticaster"))
			.isInstanceOf(SelectorWakeQueueEventMulticaster.class);
		assertThat(this.status.isActive()).isTrue();
	}

	@Test
	void hundredThousandEventsFromThreePublishersAreDeliveredOnceInOrderOnTheQueue() {
		int perPublisher = 33_334;
		int total = 3 * perPublisher;
		assertThat(total).isGreaterThanOrEqualTo(100_000);
		long asyncBefore = this.status.asyncCount();
		this.listeners.sequencedDone = new CountDownLatch(total);
		assertTimeoutPreemptively(TIMEOUT, () -> {
			List<Thread> publishers = new ArrayList<>();
			for (int p = 0; p < 3; p++) {
				int publisherId = p;
				publishers.add(new Thread(() -> {
					for (int n = 0; n < perPublisher; n++) {
						this.publisher.publishEvent(new Sequenced(publisherId, n));
					}
				}, "publisher-" + p));
			}
			publishers.forEach(Thread::start);
			for (Thread thread : publishers) {
				thread.join();
			}
			assertThat(this.listeners.sequencedDone.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		});
		assertThat(this.listeners.nextNumber).containsExactly(perPublisher, perPublisher, perPublisher);
		assertThat(this.listeners.outOfOrder).hasValue(0);
		assertThat(this.listeners.offQueue).hasValue(0);
		assertThat(this.status.asyncCount() - asyncBefore).isGreaterThanOrEqualTo(total);
	}

	@Test
	void recordApplicationEventsStillSeesEventsBecauseItsRecorderStaysOnTheTestThread() {
		this.listeners.tracedDone = new CountDownLatch(1);
		this.publisher.publishEvent(new Traced("recorded"));
		assertThat(this.recordedEvents.stream(Traced.class)).containsExactly(new Traced("recorded"));
		assertTimeoutPreemptively(TIMEOUT,
				() -> assertThat(this.listeners.tracedDone.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue());
	}

	@Test
	void contextRefreshedAndApplicationReadyRunOnTheMainThread() {
		assertThat(this.listeners.contextRefreshedThread).isSameAs(this.listeners.refreshThread);
		assertThat(this.listeners.applicationReadyThread).isSameAs(this.listeners.refreshThread);
		assertThat(this.listeners.refreshThread).isNotEqualTo(this.queue.reactorThread().orElseThrow());
	}

	@Test
	void eventPublishedDuringRefreshBeforeAnyLifecycleStartedIsDeliveredOnTheReactor() {
		assertTimeoutPreemptively(TIMEOUT,
				() -> assertThat(this.earlyListener.received.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue());
		assertThat(this.earlyListener.onReactor).isTrue();
	}

	@Test
	void throwingListenerStopsNeitherTheOtherListenersNorTheNextEvent() {
		long failedBefore = this.queue.stats().failed();
		this.listeners.flaky.clear();
		this.listeners.flakyDone = new CountDownLatch(2);
		assertTimeoutPreemptively(TIMEOUT, () -> {
			this.publisher.publishEvent(new Flaky(1));
			this.publisher.publishEvent(new Flaky(2));
			assertThat(this.listeners.flakyDone.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		});
		assertThat(this.listeners.flaky).containsExactly("second-1", "first-2", "second-2");
		assertThat(this.queue.stats().failed() - failedBefore).isEqualTo(1);
	}

	@Test
	void listenerRepublishingTenThousandEventsDepthFirstTerminatesWithoutNesting() {
		this.listeners.countdownDeliveries.set(0);
		this.listeners.countdownDone = new CountDownLatch(1);
		assertTimeoutPreemptively(TIMEOUT, () -> {
			this.publisher.publishEvent(new Countdown(10_000));
			assertThat(this.listeners.countdownDone.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		});
		assertThat(this.listeners.countdownDeliveries).hasValue(10_001);
		assertThat(this.listeners.maxCountdownDepth).isEqualTo(1);
	}

	@Test
	void valueReturnedByAListenerIsRepublishedOnTheReactor() {
		publishPingAndAwaitPong(7);
		assertThat(this.listeners.pongOnReactor).isTrue();
	}

	@Test
	void recordedApplicationEventsIncludeAnEventAListenerOnTheQueuePublishesInTurn() {
		publishPingAndAwaitPong(8);
		assertThat(this.recordedEvents.stream(Pong.class)).containsExactly(new Pong(8));
	}

	/** Publishes a Ping, whose listener returns a Pong that Spring re-publishes, and waits for the Pong's listener. */
	private void publishPingAndAwaitPong(int number) {
		this.listeners.pongDone = new CountDownLatch(1);
		assertTimeoutPreemptively(TIMEOUT, () -> {
			this.publisher.publishEvent(new Ping(number));
			assertThat(this.listeners.pongDone.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		});
	}

	@Test
	void mdcOfThePublisherIsVisibleInTheListenerAndGoneAfterwards() {
		this.listeners.tracedMdc.clear();
		this.listeners.tracedDone = new CountDownLatch(2);
		assertTimeoutPreemptively(TIMEOUT, () -> {
			MDC.put("requestId", "r-42");
			try {
				this.publisher.publishEvent(new Traced("first"));
			}
			finally {
				MDC.remove("requestId");
			}
			this.publisher.publishEvent(new Traced("second"));
			assertThat(this.listeners.tracedDone.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		});
		assertThat(this.listeners.tracedMdc).containsExactly("first=r-42@reactor", "second=null@reactor");
	}

	@Test
	void listenerAddedAtRuntimeReceivesTheNextEventOfAnAlreadyRoutedType() {
		// Routed once with no listener at all: the cached route is empty until the listener below is added.
		this.publisher.publishEvent(new Unheard("before"));
		List<String> lateLabels = new CopyOnWriteArrayList<>();
		CountDownLatch late = new CountDownLatch(1);
		ApplicationListener<PayloadApplicationEvent<Unheard>> lateListener = ApplicationListener.forPayload((unheard) -> {
			lateLabels.add(unheard.label());
			late.countDown();
		});
		this.context.addApplicationListener(lateListener);
		try {
			assertTimeoutPreemptively(TIMEOUT, () -> {
				this.publisher.publishEvent(new Unheard("after"));
				assertThat(late.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			});
			assertThat(lateLabels).containsExactly("after");
		}
		finally {
			this.context.removeApplicationListener(lateListener);
		}
	}

	record Unheard(String label) {
	}

}
