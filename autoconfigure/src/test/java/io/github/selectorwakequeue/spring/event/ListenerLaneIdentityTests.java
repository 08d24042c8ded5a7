package io.github.selectorwakequeue.spring.event;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.selectorwakequeue.Lane;
import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.autoconfigure.SelectorWakeQueueAutoConfiguration;
import io.github.selectorwakequeue.spring.metrics.SelectorWakeQueueMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A lane belongs to a listener, not to a listener instance: the lanes (and their meters) stay as many as the
 * listeners that exist, whatever prototype beans and listeners added and removed at run time do.
 */
class ListenerLaneIdentityTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SelectorWakeQueueAutoConfiguration.class));

	@Test
	void aPrototypeListenerBeanHasOneLaneAndOneSetOfMetersHoweverManyInstancesItGets() {
		this.runner.withUserConfiguration(PrototypeListenerConfiguration.class).run((context) -> {
			SelectorWakeQueue queue = context.getBean(SelectorWakeQueue.class);
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			new SelectorWakeQueueMetrics(queue, null, null).bindTo(registry);
			int events = 500;
			PrototypeListener.delivered = new CountDownLatch(events);
			assertTimeoutPreemptively(TIMEOUT, () -> {
				for (int i = 0; i < events; i++) {
					context.publishEvent(new Ping(i));
				}
				assertThat(PrototypeListener.delivered.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			});
			assertThat(PrototypeListener.instances).as("one instance per event, as Spring gives").hasValueGreaterThanOrEqualTo(events);
			assertThat(queue.lanes()).extracting(Lane::name)
				.filteredOn((name) -> name.contains("PrototypeListener"))
				.containsExactly(PrototypeListener.class.getName());
			assertThat(registry.find("wakequeue.lane.depth").meters()).hasSize(1);
		});
	}

	@Test
	void aListenerRemovedAtRunTimeLeavesNeitherItsLaneNorItsMetersNorItsInstanceBehind() {
		this.runner.run((context) -> {
			SelectorWakeQueue queue = context.getBean(SelectorWakeQueue.class);
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			new SelectorWakeQueueMetrics(queue, null, null).bindTo(registry);
			CountDownLatch delivered = new CountDownLatch(1);
			PingListener listener = new PingListener(delivered);
			WeakReference<PingListener> reference = new WeakReference<>(listener);
			context.addApplicationListener(listener);
			context.publishEvent(new Ping(1));
			assertThat(delivered.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			assertThat(queue.lanes()).extracting(Lane::name).containsExactly(PingListener.class.getName());
			context.removeApplicationListener(listener);
			listener = null;
			delivered = null;
			await().atMost(TIMEOUT).until(() -> queue.lanes().isEmpty());
			assertThat(registry.find("wakequeue.lane.depth").meters()).isEmpty();
			// Another event through the queue, so that no delivery to the removed listener is still at hand there.
			CountDownLatch next = new CountDownLatch(1);
			context.addApplicationListener(new PingListener(next));
			context.publishEvent(new Ping(2));
			assertThat(next.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			await().atMost(TIMEOUT).until(() -> {
				System.gc();
				return reference.get() == null;
			});
		});
	}

	record Ping(int number) {
	}

	static class PrototypeListener implements ApplicationListener<PayloadApplicationEvent<Ping>> {

		static final AtomicInteger instances = new AtomicInteger();

		static volatile CountDownLatch delivered = new CountDownLatch(0);

		PrototypeListener() {
			instances.incrementAndGet();
		}

		@Override
		public void onApplicationEvent(PayloadApplicationEvent<Ping> event) {
			delivered.countDown();
		}

	}

	static class PingListener implements ApplicationListener<PayloadApplicationEvent<Ping>> {

		private final CountDownLatch delivered;

		PingListener(CountDownLatch delivered) {
			this.delivered = delivered;
		}

		@Override
		public void onApplicationEvent(PayloadApplicationEvent<Ping> event) {
			this.delivered.countDown();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrototypeListenerConfiguration {

		@Bean
		@Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
		PrototypeListener prototypeListener() {
			return new PrototypeListener();
		}

	}

}
