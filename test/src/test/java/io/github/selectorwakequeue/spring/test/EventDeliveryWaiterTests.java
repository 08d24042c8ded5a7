package io.github.selectorwakequeue.spring.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.spring.test.DeliveryTestApplication.Chain;
import io.github.selectorwakequeue.spring.test.DeliveryTestApplication.ChainStarted;
import io.github.selectorwakequeue.spring.test.DeliveryTestApplication.Gate;
import io.github.selectorwakequeue.spring.test.DeliveryTestApplication.Held;
import io.github.selectorwakequeue.spring.test.DeliveryTestApplication.Mailer;
import io.github.selectorwakequeue.spring.test.DeliveryTestApplication.OrderPlaced;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.context.event.RecordApplicationEvents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The injected {@link EventDeliveryWaiter}, called where the test wants to wait, as README shows. */
@SpringBootTest(classes = DeliveryTestApplication.class)
@RecordApplicationEvents
class EventDeliveryWaiterTests {

	private static final Duration BOUND = Duration.ofSeconds(30);

	@Autowired
	private ApplicationEventPublisher events;

	@Autowired
	private EventDeliveryWaiter delivery;

	@Autowired
	private Mailer mailer;

	@Autowired
	private Chain chain;

	@Autowired
	private Gate gate;

	@Autowired
	private SelectorWakeQueue queue;

	@Autowired
	private ApplicationEvents recorded;

	/** README's example, with a listener that takes 5 ms. */
	@RepeatedTest(100)
	void listenerHasRunOnceAwaitDeliveryReturns() {
		assertTimeoutPreemptively(BOUND, () -> {
			String id = UUID.randomUUID().toString();
			this.events.publishEvent(new OrderPlaced(id));
			this.delivery.awaitDelivery();
			assertThat(this.mailer.sent()).contains(id);
		});
	}

	@Test
	void wholeChainHasRunOnceAwaitDeliveryReturns() {
		assertTimeoutPreemptively(BOUND, () -> {
			String id = UUID.randomUUID().toString();
			this.events.publishEvent(new ChainStarted(id));
			this.delivery.awaitDelivery();
			assertThat(this.chain.shipped()).contains(id);
			assertThat(this.chain.followUps()).contains(id);
		});
	}

	@Test
	void recordedEventsAndListenerEffectsAreBothThere() {
		String id = UUID.randomUUID().toString();
		this.events.publishEvent(new OrderPlaced(id));
		assertTimeoutPreemptively(BOUND, () -> this.delivery.awaitDelivery());
		assertThat(this.recorded.stream(OrderPlaced.class)).containsExactly(new OrderPlaced(id));
		assertThat(this.mailer.sent()).contains(id);
	}

	/** As tests running in parallel on one context do: each wait covers its own events (and maybe others'). */
	@Test
	void fourThreadsPublishingAndWaitingAtOnceEachSeeTheirOwnEventsDelivered() {
		int threads = 4;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			assertTimeoutPreemptively(BOUND, () -> {
				CyclicBarrier start = new CyclicBarrier(threads);
				List<Future<?>> done = new ArrayList<>();
				for (int t = 0; t < threads; t++) {
					done.add(pool.submit(() -> {
						start.await(10, TimeUnit.SECONDS);
						for (int i = 0; i < 5; i++) {
							String id = UUID.randomUUID().toString();
							this.events.publishEvent(new OrderPlaced(id));
							this.events.publishEvent(new ChainStarted(id));
							this.delivery.awaitDelivery();
							assertThat(this.mailer.sent()).contains(id);
							assertThat(this.chain.shipped()).contains(id);
							assertThat(this.chain.followUps()).contains(id);
						}
						return null;
					}));
				}
				for (Future<?> future : done) {
					future.get();
				}
			});
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void withoutTheAnnotationPublishEventReturnsBeforeDelivery() {
		String id = UUID.randomUUID().toString();
		this.gate.close();
		try {
			assertTimeoutPreemptively(BOUND, () -> this.events.publishEvent(new Held(id)));
			assertThat(this.gate.passed()).doesNotContain(id);
		}
		finally {
			this.gate.open();
		}
		assertTimeoutPreemptively(BOUND, () -> this.delivery.awaitDelivery());
		assertThat(this.gate.passed()).contains(id);
	}

	@Test
	void waitThatTimesOutFailsNamingTheListenerStillRunning() {
		this.gate.close();
		try {
			this.events.publishEvent(new Held(UUID.randomUUID().toString()));
			assertTimeoutPreemptively(BOUND, () -> assertThatExceptionOfType(AssertionError.class)
				.isThrownBy(() -> this.delivery.awaitDelivery(Duration.ofMillis(300)))
				.withMessageStartingWith("Event delivery on queue '" + this.queue.name() + "' did not finish within "
						+ "PT0.3S after awaitDelivery was called. Still running or waiting:\n- listener Gate.hold(Held): ")
				.withMessageContaining(
						"\n    at io.github.selectorwakequeue.spring.test.DeliveryTestApplication$Gate.hold(DeliveryTestApplication.java:"));
		}
		finally {
			this.gate.open();
		}
		assertTimeoutPreemptively(BOUND, () -> this.delivery.awaitDelivery());
	}

	@Test
	void waitOnTheReactorIsRefusedInsteadOfWaitingForItself() {
		CompletableFuture<Throwable> refused = new CompletableFuture<>();
		this.queue.execute(() -> {
			try {
				this.delivery.awaitDelivery();
				refused.complete(null);
			}
			catch (Throwable ex) {
				refused.complete(ex);
			}
		});
		Throwable failure = assertTimeoutPreemptively(BOUND, () -> refused.get());
		assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessageContaining("would wait for itself");
	}

	@Test
	void negativeTimeoutIsRefusedNamingIt() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.delivery.awaitDelivery(Duration.ofMillis(-1)))
			.withMessage("timeout must not be negative, was PT-0.001S");
	}

}
