package io.github.selectorwakequeue.autoconfigure;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.spring.actuate.SelectorWakeQueueEndpoint;
import io.github.selectorwakequeue.spring.event.EventRoutingStatus;
import io.github.selectorwakequeue.spring.event.SelectorWakeQueueEventMulticaster;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Parent and child contexts: a child reuses its parent's queue (one reactor per application), routes its own
 * events through it with its own multicaster, reports its own routing, and never closes the queue; only the
 * context that defined the queue bean closes it.
 */
class SelectorWakeQueueContextHierarchyTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SelectorWakeQueueAutoConfiguration.class,
				SelectorWakeQueueEndpointAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=wakequeue")
		.withUserConfiguration(RecorderConfiguration.class);

	@Test
	void childReusesTheParentsQueueAndDeliversItsOwnEventsOnTheReactor() {
		assertTimeoutPreemptively(TIMEOUT, () -> this.runner.run((parent) -> {
			SelectorWakeQueue queue = parent.getBean(SelectorWakeQueue.class);
			this.runner.withParent(parent).run((child) -> {
				assertThat(child).hasNotFailed();
				assertThat(child.getBean(SelectorWakeQueue.class)).isSameAs(queue);
				assertThat(child.getBeanNamesForType(SelectorWakeQueue.class)).as("queue beans defined in the child")
					.isEmpty();
				assertThat(child.getBean("applicationEventMulticaster"))
					.isInstanceOf(SelectorWakeQueueEventMulticaster.class)
					.isNotSameAs(parent.getBean("applicationEventMulticaster"));

				child.publishEvent(new Ping("child"));

				Delivery delivery = child.getBean(Recorder.class).next();
				assertThat(delivery.ping().from()).isEqualTo("child");
				assertThat(delivery.onReactor()).as("child event delivered on the reactor").isTrue();
				assertThat(child.getBeanNamesForType(EventRoutingStatus.class))
					.as("routing status of the child's own multicaster").hasSize(1);
				assertThat(child.getBean(EventRoutingStatus.class).isActive()).isTrue();
				SelectorWakeQueueEndpoint.QueueDescriptor described = child.getBean(SelectorWakeQueueEndpoint.class)
					.describe();
				assertThat(described.eventRouting()).isEqualTo(true);
				assertThat(described.events().async()).as("child events queued on the reactor").isEqualTo(1);
			});
		}));
	}

	@Test
	void closingTheChildLeavesTheParentsQueueRunningAndClosingTheParentClosesIt() {
		assertTimeoutPreemptively(TIMEOUT, () -> {
			SelectorWakeQueue[] queue = new SelectorWakeQueue[1];
			this.runner.run((parent) -> {
				queue[0] = parent.getBean(SelectorWakeQueue.class);
				this.runner.withParent(parent).run((child) -> assertThat(child).hasNotFailed());

				assertThat(queue[0].isClosed()).as("closed by the child").isFalse();
				assertThat(queue[0].stats().running()).isTrue();
				parent.publishEvent(new Ping("parent"));
				assertThat(parent.getBean(Recorder.class).next().onReactor()).isTrue();
			});
			assertThat(queue[0].isClosed()).as("closed with the parent").isTrue();
		});
	}

	@Test
	void closingTheChildWaitsForTheEventsItQueued() {
		assertTimeoutPreemptively(TIMEOUT, () -> this.runner.run((parent) -> {
			SelectorWakeQueue queue = parent.getBean(SelectorWakeQueue.class);
			CountDownLatch reactorHeld = new CountDownLatch(1);
			CountDownLatch childClosing = new CountDownLatch(1);
			Recorder[] recorder = new Recorder[1];
			this.runner.withParent(parent).run((child) -> {
				recorder[0] = child.getBean(Recorder.class);
				child.addApplicationListener((event) -> {
					if (event instanceof ContextClosedEvent) {
						childClosing.countDown();
					}
				});
				queue.execute(() -> {
					reactorHeld.countDown();
					await(childClosing);
				});
				assertThat(reactorHeld.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
				for (int i = 0; i < 100; i++) {
					child.publishEvent(new Ping("child-" + i));
				}
				assertThat(recorder[0].deliveries).isEmpty();
			});
			// The child has closed: its events were delivered on the reactor before close() returned.
			assertThat(recorder[0].deliveries).hasSize(100).allMatch(Delivery::onReactor);
			assertThat(queue.isClosed()).isFalse();
		}));
	}

	@Test
	void aQueueDefinedInTheChildBelongsToTheChild() {
		assertTimeoutPreemptively(TIMEOUT, () -> this.runner.run((parent) -> {
			SelectorWakeQueue parentQueue = parent.getBean(SelectorWakeQueue.class);
			SelectorWakeQueue[] childQueue = new SelectorWakeQueue[1];
			this.runner.withParent(parent).withUserConfiguration(ChildQueueConfiguration.class).run((child) -> {
				childQueue[0] = child.getBean("childQueue", SelectorWakeQueue.class);
				child.publishEvent(new Ping("child"));
				assertThat(child.getBean(Recorder.class).next().reactor()).isEqualTo("child-queue");
			});
			assertThat(childQueue[0].isClosed()).isTrue();
			assertThat(parentQueue.isClosed()).isFalse();
		}));
	}

	@Test
	void springApplicationBuilderChild() {
		assertTimeoutPreemptively(TIMEOUT, () -> {
			ConfigurableApplicationContext child = new SpringApplicationBuilder(HierarchyApplication.class)
				.web(WebApplicationType.NONE)
				.properties("spring.main.banner-mode=off")
				.child(HierarchyApplication.class)
				.web(WebApplicationType.NONE)
				.run();
			ConfigurableApplicationContext parent = (ConfigurableApplicationContext) child.getParent();
			try {
				SelectorWakeQueue queue = parent.getBean(SelectorWakeQueue.class);
				assertThat(child.getBean(SelectorWakeQueue.class)).isSameAs(queue);
				child.publishEvent(new Ping("child"));
				assertThat(child.getBean(Recorder.class).next().onReactor()).isTrue();

				child.close();

				assertThat(queue.isClosed()).isFalse();
				parent.publishEvent(new Ping("parent"));
				Recorder parentRecorder = parent.getBean(Recorder.class);
				// The parent also heard the child's event (Spring publishes a child's events to its parent).
				assertThat(parentRecorder.next().ping().from()).isEqualTo("child");
				Delivery delivery = parentRecorder.next();
				assertThat(delivery.ping().from()).isEqualTo("parent");
				assertThat(delivery.onReactor()).isTrue();

				parent.close();

				assertThat(queue.isClosed()).isTrue();
			}
			finally {
				child.close();
				parent.close();
			}
		});
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	record Ping(String from) {
	}

	record Delivery(Ping ping, boolean onReactor, String reactor) {
	}

	@Configuration(proxyBeanMethods = false)
	static class RecorderConfiguration {

		@Bean
		Recorder recorder(SelectorWakeQueue queue) {
			return new Recorder(queue);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ChildQueueConfiguration {

		/** Primary: the child then sees two queues, its own and its parent's. */
		@Bean
		@Primary
		SelectorWakeQueue childQueue() {
			return SelectorWakeQueue.builder().name("child-queue").build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(SelectorWakeQueueAutoConfiguration.class)
	@Import(RecorderConfiguration.class)
	static class HierarchyApplication {

	}

	static final class Recorder {

		private final SelectorWakeQueue queue;

		final BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();

		Recorder(SelectorWakeQueue queue) {
			this.queue = queue;
		}

		@EventListener
		void on(Ping ping) {
			this.deliveries.add(new Delivery(ping, this.queue.isReactorThread(), Thread.currentThread().getName()));
		}

		Delivery next() throws InterruptedException {
			Delivery delivery = this.deliveries.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			assertThat(delivery).as("a delivery within %s", TIMEOUT).isNotNull();
			return delivery;
		}

	}

}
