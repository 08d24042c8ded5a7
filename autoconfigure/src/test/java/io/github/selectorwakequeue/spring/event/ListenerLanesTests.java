package io.github.selectorwakequeue.spring.event;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.github.selectorwakequeue.Lane;
import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.autoconfigure.SelectorWakeQueueAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Listener lanes through Spring: each {@code @EventListener} method has its own lane, so a blocked or slow listener
 * delays only itself, and every listener still gets events in publish order.
 */
class ListenerLanesTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SelectorWakeQueueAutoConfiguration.class))
		.withUserConfiguration(ListenersConfiguration.class)
		.withPropertyValues("selector-wake-queue.lanes.stuck-threshold=50ms");

	@Test
	void aBlockedListenerDelaysOnlyItselfThenCatchesUpInOrder() {
		this.runner.run((context) -> assertTimeoutPreemptively(TIMEOUT, () -> {
			Listeners listeners = context.getBean(Listeners.class);
			SelectorWakeQueue queue = context.getBean(SelectorWakeQueue.class);
			listeners.blockFirst = true;
			for (int i = 0; i < 1_000; i++) {
				context.publishEvent(new Numbered(0, i));
			}
			assertThat(listeners.blocked.await(10, TimeUnit.SECONDS)).isTrue();
			await().atMost(TIMEOUT).until(() -> listeners.quick1.size() == 1_000 && listeners.quick2.size() == 1_000);
			assertThat(listeners.quick1).containsExactlyElementsOf(numbers(1_000));
			assertThat(listeners.quick2).containsExactlyElementsOf(numbers(1_000));
			assertThat(listeners.blocking).as("still blocked in its first event").isEmpty();
			CountDownLatch plainTask = new CountDownLatch(1);
			queue.execute(plainTask::countDown);
			assertThat(plainTask.await(5, TimeUnit.SECONDS)).as("a plain task runs meanwhile").isTrue();
			assertThat(laneOf(queue, "Listeners.blocking(Numbered)").stats().mode()).isEqualTo(Lane.Mode.STUCK);

			listeners.release.countDown();
			await().atMost(TIMEOUT).until(() -> listeners.blocking.size() == 1_000);
			assertThat(listeners.blocking).containsExactlyElementsOf(numbers(1_000));
			listeners.quick1OnReactor.set(0);
			context.publishEvent(new Numbered(0, 1_000));
			await().atMost(TIMEOUT).until(() -> listeners.quick1.size() == 1_001);
			assertThat(listeners.quick1OnReactor).as("quick listeners run on the reactor again").hasValue(1);
		}));
	}

	@Test
	void steadilySlowListenersMoveToAWorkerAndBackWhenQuickAgain() {
		this.runner.run((context) -> assertTimeoutPreemptively(TIMEOUT, () -> {
			Listeners listeners = context.getBean(Listeners.class);
			SelectorWakeQueue queue = context.getBean(SelectorWakeQueue.class);
			listeners.slowIo.set(true);
			for (int i = 0; i < 300; i++) {
				context.publishEvent(new Numbered(0, i));
			}
			await().atMost(TIMEOUT).until(() -> listeners.quick1.size() == 300);
			Lane slow = laneOf(queue, "Listeners.slow(Numbered)");
			assertThat(slow.stats().mode()).isEqualTo(Lane.Mode.ON_WORKER);
			await().atMost(TIMEOUT).until(() -> listeners.slow.size() == 300);
			assertThat(listeners.slowOffReactor).hasValueGreaterThan(250);
			listeners.slowIo.set(false);
			int next = 300;
			for (int round = 0; round < 50 && slow.stats().mode() != Lane.Mode.ON_REACTOR; round++) {
				for (int i = 0; i < 50; i++) {
					context.publishEvent(new Numbered(0, next++));
				}
				int expected = next;
				await().atMost(TIMEOUT).until(() -> listeners.slow.size() == expected);
			}
			assertThat(slow.stats().mode()).as("back on the reactor").isEqualTo(Lane.Mode.ON_REACTOR);
			assertThat(listeners.slow).containsExactlyElementsOf(numbers(next));
			assertThat(listeners.quick1).containsExactlyElementsOf(numbers(next));
		}));
	}

	@Test
	void everyListenerKeepsPublishOrderUnderFourPublishersWithQuickAndSlowListeners() {
		this.runner.withPropertyValues("selector-wake-queue.capacity=262144", "selector-wake-queue.lanes.slow-threshold=20us")
			.run((context) -> assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
				Listeners listeners = context.getBean(Listeners.class);
				listeners.burstySlow = true;
				int publishers = 4;
				int each = 50_000;
				List<Thread> threads = new ArrayList<>();
				for (int p = 0; p < publishers; p++) {
					int publisher = p;
					Thread thread = new Thread(() -> {
						for (int i = 0; i < each; i++) {
							context.publishEvent(new Numbered(publisher, i));
						}
					}, "publisher-" + p);
					thread.setDaemon(true);
					thread.start();
					threads.add(thread);
				}
				for (Thread thread : threads) {
					thread.join();
				}
				int total = publishers * each;
				await().atMost(Duration.ofSeconds(100))
					.until(() -> listeners.orderChecks.stream().allMatch((check) -> check.received.get() == total));
				for (OrderCheck check : listeners.orderChecks) {
					assertThat(check.outOfOrder).as(check.name).hasValue(0);
					assertThat(check.concurrent).as(check.name).hasValue(0);
				}
				assertThat(listeners.slowOffReactor).as("the slow listener ran on workers").hasValueGreaterThan(0);
			}));
	}

	@Test
	void aListenerOnAWorkerRepublishesAndTheNewEventReachesEveryListenerInOrder() {
		this.runner.run((context) -> assertTimeoutPreemptively(TIMEOUT, () -> {
			Listeners listeners = context.getBean(Listeners.class);
			listeners.slowIo.set(true);
			for (int i = 0; i < 100; i++) {
				context.publishEvent(new Numbered(0, i));
			}
			await().atMost(TIMEOUT).until(() -> listeners.followUps.size() == 100);
			assertThat(listeners.followUps).containsExactlyElementsOf(numbers(100));
			assertThat(listeners.republishedOffReactor).as("published from a worker").hasValueGreaterThan(50);
		}));
	}

	@Test
	void closingWithABlockedListenerKeepsItsTimeoutAndNeverDeliversItsLaterEventsOutOfOrder() {
		this.runner.withPropertyValues("selector-wake-queue.shutdown-timeout=500ms").run((context) -> {
			Listeners listeners = context.getBean(Listeners.class);
			listeners.blockFirst = true;
			assertTimeoutPreemptively(TIMEOUT, () -> {
				for (int i = 0; i < 200; i++) {
					context.publishEvent(new Numbered(0, i));
				}
				assertThat(listeners.blocked.await(10, TimeUnit.SECONDS)).isTrue();
				await().atMost(TIMEOUT).until(() -> listeners.quick1.size() == 200);
				Thread closer = new Thread(context::close, "closer");
				closer.start();
				closer.join(TimeUnit.SECONDS.toMillis(20));
				assertThat(closer.isAlive()).as("close returned").isFalse();
				// events 1..199 of the blocked listener waited behind event 0, in its lane: at the timeout they were
				// reported, not delivered (on the closing thread they would have overtaken event 0)
				assertThat(listeners.blocking).isEmpty();
				listeners.release.countDown();
				await().atMost(TIMEOUT).until(() -> listeners.blocking.size() == 1);
				assertThat(listeners.blocking).containsExactly(0);
			});
		});
	}

	@Test
	void strictSingleThreadDeliveryKeepsEverySlowListenerOnTheReactor() {
		this.runner.withPropertyValues("selector-wake-queue.lanes.enabled=false").run((context) -> {
			Listeners listeners = context.getBean(Listeners.class);
			listeners.slowIo.set(true);
			assertTimeoutPreemptively(TIMEOUT, () -> {
				for (int i = 0; i < 50; i++) {
					context.publishEvent(new Numbered(0, i));
				}
				await().atMost(TIMEOUT).until(() -> listeners.slow.size() == 50 && listeners.quick1.size() == 50);
			});
			assertThat(listeners.slowOffReactor).hasValue(0);
			assertThat(listeners.slow).containsExactlyElementsOf(numbers(50));
			SelectorWakeQueue queue = context.getBean(SelectorWakeQueue.class);
			assertThat(laneOf(queue, "Listeners.slow(Numbered)").stats().mode()).isEqualTo(Lane.Mode.ON_REACTOR);
		});
	}

	private static Lane laneOf(SelectorWakeQueue queue, String name) {
		return queue.lanes().stream().filter((lane) -> lane.name().equals(name)).findFirst()
			.orElseThrow(() -> new AssertionError("no lane " + name + " in " + queue.lanes()));
	}

	private static List<Integer> numbers(int count) {
		return numbers(0, count);
	}

	private static List<Integer> numbers(int from, int to) {
		List<Integer> numbers = new ArrayList<>();
		for (int i = from; i < to; i++) {
			numbers.add(i);
		}
		return numbers;
	}

	@Test
	void onlyListenersThatCanReceiveEventsOnTheQueueGetALane() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SelectorWakeQueueAutoConfiguration.class))
			.withPropertyValues("selector-wake-queue.events.synchronous-types=" + Numbered.class.getName())
			.withBean(LaneCandidates.class)
			.run((context) -> assertThat(context.getBean(SelectorWakeQueue.class).lanes()).extracting(Lane::name)
				.contains("LaneCandidates.onText(String)", "LaneCandidates.onAnyEvent(ApplicationEvent)",
						"LaneCandidates.onTextOrClosed(Object)")
				.doesNotContain("LaneCandidates.onClosed()", "LaneCandidates.onRefreshed(ContextRefreshedEvent)",
						"LaneCandidates.onNumbered(Numbered)"));
	}

	record Numbered(int publisher, int number) {
	}

	record FollowUp(int number) {
	}

	/** Listeners of events that may go through the queue, and of events that always stay on the publisher. */
	static class LaneCandidates {

		@EventListener
		void onText(String text) {
		}

		@EventListener
		void onAnyEvent(ApplicationEvent event) {
		}

		@EventListener(classes = { String.class, ContextClosedEvent.class })
		void onTextOrClosed(Object event) {
		}

		@EventListener(ContextClosedEvent.class)
		void onClosed() {
		}

		@EventListener
		void onRefreshed(ContextRefreshedEvent event) {
		}

		@EventListener
		void onNumbered(Numbered event) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ListenersConfiguration {

		@Bean
		Listeners listeners(SelectorWakeQueue queue, ApplicationEventPublisher publisher) {
			return new Listeners(queue, publisher);
		}

	}

	/** Checks one listener's events: each publisher's numbers in order, never two at once. */
	static final class OrderCheck {

		final String name;

		final int[] next = new int[8];

		final AtomicInteger received = new AtomicInteger();

		final AtomicInteger outOfOrder = new AtomicInteger();

		final AtomicInteger concurrent = new AtomicInteger();

		private final AtomicInteger running = new AtomicInteger();

		OrderCheck(String name) {
			this.name = name;
		}

		void check(Numbered event) {
			if (this.running.incrementAndGet() != 1) {
				this.concurrent.incrementAndGet();
			}
			if (this.next[event.publisher()] != event.number()) {
				this.outOfOrder.incrementAndGet();
			}
			this.next[event.publisher()] = event.number() + 1;
			this.received.incrementAndGet();
			this.running.decrementAndGet();
		}

	}

	static final class Listeners {

		private final SelectorWakeQueue queue;

		private final ApplicationEventPublisher publisher;

		final List<Integer> quick1 = new CopyOnWriteArrayList<>();

		final List<Integer> quick2 = new CopyOnWriteArrayList<>();

		final List<Integer> blocking = new CopyOnWriteArrayList<>();

		final List<Integer> slow = new CopyOnWriteArrayList<>();

		final List<Integer> followUps = new CopyOnWriteArrayList<>();

		final AtomicInteger quick1OnReactor = new AtomicInteger();

		final AtomicInteger slowOffReactor = new AtomicInteger();

		final AtomicInteger republishedOffReactor = new AtomicInteger();

		final AtomicBoolean slowIo = new AtomicBoolean();

		volatile boolean blockFirst;

		volatile boolean burstySlow;

		final CountDownLatch blocked = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		final List<OrderCheck> orderChecks = List.of(new OrderCheck("quick1"), new OrderCheck("quick2"),
				new OrderCheck("slow"), new OrderCheck("blocking"));

		Listeners(SelectorWakeQueue queue, ApplicationEventPublisher publisher) {
			this.queue = queue;
			this.publisher = publisher;
		}

		@EventListener
		@Order(1)
		void quick1(Numbered event) {
			this.orderChecks.get(0).check(event);
			if (event.publisher() == 0) {
				this.quick1.add(event.number());
			}
			if (this.queue.isReactorThread()) {
				this.quick1OnReactor.incrementAndGet();
			}
		}

		@EventListener
		@Order(2)
		void blocking(Numbered event) throws InterruptedException {
			this.orderChecks.get(3).check(event);
			if (this.blockFirst && event.number() == 0 && event.publisher() == 0) {
				this.blocked.countDown();
				this.release.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			}
			if (event.publisher() == 0) {
				this.blocking.add(event.number());
			}
		}

		@EventListener
		@Order(3)
		void slow(Numbered event) {
			this.orderChecks.get(2).check(event);
			if (this.slowIo.get() || (this.burstySlow && event.number() % 10_000 < 100)) {
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // a millisecond of blocking I/O
			}
			if (!this.queue.isReactorThread()) {
				this.slowOffReactor.incrementAndGet();
			}
			if (event.publisher() == 0) {
				this.slow.add(event.number());
			}
			if (this.slowIo.get() && event.publisher() == 0) {
				if (!this.queue.isReactorThread()) {
					this.republishedOffReactor.incrementAndGet();
				}
				this.publisher.publishEvent(new FollowUp(event.number()));
			}
		}

		@EventListener
		@Order(4)
		void quick2(Numbered event) {
			this.orderChecks.get(1).check(event);
			if (event.publisher() == 0) {
				this.quick2.add(event.number());
			}
		}

		@EventListener
		void followUp(FollowUp event) {
			this.followUps.add(event.number());
		}

	}

}
