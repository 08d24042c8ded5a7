package io.github.selectorwakequeue.spring.observation;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.autoconfigure.SelectorWakeQueueAutoConfiguration;
import io.github.selectorwakequeue.autoconfigure.SelectorWakeQueueObservationAutoConfiguration;
import io.github.selectorwakequeue.spring.event.EventDeliveryObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.exporter.FinishedSpan;
import io.micrometer.tracing.exporter.SpanReporter;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The opt-in observation of deliveries, with Boot's observation, metrics and Brave tracing auto-configuration: a
 * span {@code wakequeue deliver} per delivery, a child of the publisher's span, tagged with the listener; a timer
 * {@code wakequeue.deliver}; nothing when off; events flow without tracing on the class path.
 */
class ObservationEventDeliveryObserverTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	/** How long to wait for one expected outcome: shorter than {@link #TIMEOUT}, so a miss says what was missed. */
	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final String QUICK = "TracedListeners.quick(Traced)";

	private static final String SLOW = "TracedListeners.slow(Traced)";

	private static final String FAILING = "TracedListeners.failing(Failing)";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
				BraveAutoConfiguration.class, MicrometerTracingAutoConfiguration.class,
				SelectorWakeQueueAutoConfiguration.class, SelectorWakeQueueObservationAutoConfiguration.class))
		.withUserConfiguration(TracedListenersConfiguration.class)
		.withPropertyValues("management.tracing.sampling.probability=1.0",
				"selector-wake-queue.lanes.slow-threshold=50us");

	@Test
	void eachDeliveryIsASpanInThePublishersTraceChildOfItsSpanTaggedWithTheListener() {
		this.runner.withPropertyValues("selector-wake-queue.events.observations.enabled=true")
			.run((context) -> assertTimeoutPreemptively(TIMEOUT, () -> {
				TracedListeners listeners = context.getBean(TracedListeners.class);
				Spans spans = context.getBean(Spans.class);
				int published = publishUntilTheSlowListenerRanOnAWorker(context, listeners);
				await().atMost(WAIT).until(() -> deliverySpans(spans).size() == 2 * published);

				List<Published> publishers = listeners.published;
				assertThat(publishers).hasSize(published);
				for (Published publisher : publishers) {
					List<FinishedSpan> children = deliverySpans(spans).stream()
						.filter((span) -> span.getTraceId().equals(publisher.traceId()))
						.toList();
					assertThat(children).as("delivery spans of event %d", publisher.number())
						.hasSize(2)
						.allSatisfy((span) -> {
							assertThat(span.getParentId()).isEqualTo(publisher.spanId());
							assertThat(span.getTags()).containsEntry("queue", "selector-wake-queue");
							assertThat(span.getError()).isNull();
						});
					assertThat(children).extracting((span) -> span.getTags().get("listener"))
						.containsExactlyInAnyOrder(QUICK, SLOW);
				}
				// Each listener ran inside its own delivery span, and logged with the publisher's trace id.
				assertThat(listeners.seen).hasSize(2 * published).allSatisfy((seen) -> {
					assertThat(seen.mdcTraceId()).isEqualTo(seen.publisher().traceId());
					assertThat(seen.currentTraceId()).isEqualTo(seen.publisher().traceId());
					assertThat(seen.currentParentId()).isEqualTo(seen.publisher().spanId());
				});
				assertThat(listeners.seen).anySatisfy((seen) -> assertThat(seen.onReactor()).isTrue())
					.anySatisfy((seen) -> assertThat(seen.onReactor()).isFalse());

				MeterRegistry meters = context.getBean(MeterRegistry.class);
				Timer quick = meters.get("wakequeue.deliver").tags("listener", QUICK, "queue", "selector-wake-queue").timer();
				Timer slow = meters.get("wakequeue.deliver").tags("listener", SLOW, "queue", "selector-wake-queue").timer();
				assertThat(quick.count()).isEqualTo(published);
				assertThat(slow.count()).isEqualTo(published);
			}));
	}

	@Test
	void aListenersFailureIsRecordedOnItsDeliverySpanAndStillReportedToTheQueue() {
		this.runner.withPropertyValues("selector-wake-queue.events.observations.enabled=true")
			.run((context) -> assertTimeoutPreemptively(TIMEOUT, () -> {
				Spans spans = context.getBean(Spans.class);
				SelectorWakeQueue queue = context.getBean(SelectorWakeQueue.class);
				long failedBefore = queue.stats().failed();
				Observation.createNotStarted("test.publish", context.getBean(ObservationRegistry.class))
					.observe(() -> context.publishEvent(new Failing("boom")));
				await().atMost(WAIT).until(() -> deliverySpans(spans).size() == 1);
				assertThat(deliverySpans(spans)).singleElement().satisfies((span) -> {
					assertThat(span.getTags()).containsEntry("listener", FAILING);
					assertThat(span.getError()).isInstanceOf(IllegalStateException.class).hasMessage("boom");
				});
				await().atMost(WAIT).until(() -> queue.stats().failed() == failedBefore + 1);
				assertThat(context.getBean(MeterRegistry.class)
					.get("wakequeue.deliver")
					.tags("listener", FAILING, "error", "IllegalStateException")
					.timer()
					.count()).isOne();
			}));
	}

	@Test
	void bootsObservationSwitchTurnsTheDeliveryObservationOff() {
		this.runner
			.withPropertyValues("selector-wake-queue.events.observations.enabled=true",
					"management.observations.enable.wakequeue.deliver=false")
			.run((context) -> assertTimeoutPreemptively(TIMEOUT, () -> {
				TracedListeners listeners = context.getBean(TracedListeners.class);
				Spans spans = context.getBean(Spans.class);
				publish(context, listeners, 0);
				await().atMost(WAIT).until(() -> listeners.seen.size() == 2);
				await().atMost(WAIT)
					.until(() -> spans.finished.stream().anyMatch((span) -> span.getName().equals("test.publish")));
				// Deterministic: inside a delivery span the listener's current span would be a child.
				assertThat(listeners.seen)
					.allSatisfy((seen) -> assertThat(seen.currentSpanId()).isEqualTo(seen.publisher().spanId()));
				assertThat(deliverySpans(spans)).isEmpty();
			}));
	}

	@Test
	void offByDefaultNoDeliverySpanAndTheListenerRunsInThePublishersSpan() {
		this.runner.run((context) -> assertTimeoutPreemptively(TIMEOUT, () -> {
			assertThat(context).doesNotHaveBean(EventDeliveryObserver.class);
			TracedListeners listeners = context.getBean(TracedListeners.class);
			Spans spans = context.getBean(Spans.class);
			publish(context, listeners, 0);
			await().atMost(WAIT).until(() -> listeners.seen.size() == 2);
			Published publisher = listeners.published.get(0);
			await().atMost(WAIT).until(() -> spans.finished.stream().anyMatch((span) -> span.getName().equals("test.publish")));
			assertThat(listeners.seen).allSatisfy((seen) -> {
				assertThat(seen.mdcTraceId()).isEqualTo(publisher.traceId());
				assertThat(seen.currentSpanId()).as("the publisher's span itself").isEqualTo(publisher.spanId());
			});
			assertThat(spans.finished).extracting(FinishedSpan::getName).containsOnly("test.publish");
			assertThat(context.getBean(MeterRegistry.class).find("wakequeue.deliver").timer()).isNull();
		}));
	}

	@Test
	void withoutAnObservationRegistryBeanThereIsNoObserverAndEventsFlow() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SelectorWakeQueueAutoConfiguration.class,
					SelectorWakeQueueObservationAutoConfiguration.class))
			.withUserConfiguration(PlainListenerConfiguration.class)
			.withPropertyValues("selector-wake-queue.events.observations.enabled=true")
			.run((context) -> assertTimeoutPreemptively(TIMEOUT, () -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(EventDeliveryObserver.class);
				PlainListener listener = context.getBean(PlainListener.class);
				context.publishEvent(new Failing("not really"));
				await().atMost(WAIT).until(() -> listener.received.size() == 1);
				assertThat(listener.received).containsExactly("not really@reactor");
			}));
	}

	@Test
	void withoutMicrometerTracingOnTheClassPathEventsFlowAndDeliveriesAreStillTimed() {
		new ApplicationContextRunner()
			.withClassLoader(new FilteredClassLoader("io.micrometer.tracing", "brave"))
			.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
					BraveAutoConfiguration.class, MicrometerTracingAutoConfiguration.class,
					SelectorWakeQueueAutoConfiguration.class, SelectorWakeQueueObservationAutoConfiguration.class))
			.withUserConfiguration(PlainListenerConfiguration.class)
			.withPropertyValues("selector-wake-queue.events.observations.enabled=true")
			.run((context) -> assertTimeoutPreemptively(TIMEOUT, () -> {
				assertThat(context).hasNotFailed().doesNotHaveBean("braveTracerBridge")
					.hasSingleBean(EventDeliveryObserver.class);
				PlainListener listener = context.getBean(PlainListener.class);
				for (int i = 0; i < 3; i++) {
					context.publishEvent(new Failing("event " + i));
				}
				await().atMost(WAIT).until(() -> listener.received.size() == 3);
				assertThat(listener.received).containsExactly("event 0@reactor", "event 1@reactor", "event 2@reactor");
				Timer timer = context.getBean(MeterRegistry.class)
					.get("wakequeue.deliver")
					.tags("listener", "PlainListener.on(Failing)")
					.timer();
				await().atMost(WAIT).until(() -> timer.count() == 3);
			}));
	}

	private static int publishUntilTheSlowListenerRanOnAWorker(ConfigurableApplicationContext context,
			TracedListeners listeners) {
		int published = 0;
		// The slow listener leaves the reactor after a few measured events: publish until it has run on a worker.
		while (listeners.seen.stream().filter((seen) -> !seen.onReactor()).count() < 5) {
			assertThat(published).as("the slow listener moved to a worker").isLessThan(500);
			for (int i = 0; i < 10; i++) {
				publish(context, listeners, published++);
			}
			int expected = 2 * published;
			await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> listeners.seen.size() == expected);
		}
		return published;
	}

	private static void publish(ConfigurableApplicationContext context, TracedListeners listeners, int number) {
		Tracer tracer = context.getBean(Tracer.class);
		Observation.createNotStarted("test.publish", context.getBean(ObservationRegistry.class)).observe(() -> {
			Span span = tracer.currentSpan();
			Published publisher = new Published(number, span.context().traceId(), span.context().spanId());
			listeners.published.add(publisher);
			context.publishEvent(new Traced(publisher));
		});
	}

	private static List<FinishedSpan> deliverySpans(Spans spans) {
		return spans.finished.stream()
			.filter((span) -> span.getName().equals(ObservationEventDeliveryObserver.CONTEXTUAL_NAME))
			.toList();
	}

	record Published(int number, String traceId, String spanId) {
	}

	record Traced(Published publisher) {
	}

	record Failing(String message) {
	}

	/** What a listener saw: the publisher's ids, its MDC and current span, and its thread. */
	record Seen(Published publisher, String mdcTraceId, String currentTraceId, String currentSpanId,
			String currentParentId, boolean onReactor) {
	}

	/** Finished spans, as an exporter would receive them. */
	static final class Spans implements SpanReporter {

		final List<FinishedSpan> finished = new CopyOnWriteArrayList<>();

		@Override
		public void report(FinishedSpan span) {
			this.finished.add(span);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TracedListenersConfiguration {

		@Bean
		Spans spans() {
			return new Spans();
		}

		@Bean
		TracedListeners tracedListeners(SelectorWakeQueue queue, Tracer tracer) {
			return new TracedListeners(queue, tracer);
		}

	}

	static final class TracedListeners {

		private final SelectorWakeQueue queue;

		private final Tracer tracer;

		final List<Published> published = new CopyOnWriteArrayList<>();

		final List<Seen> seen = new CopyOnWriteArrayList<>();

		TracedListeners(SelectorWakeQueue queue, Tracer tracer) {
			this.queue = queue;
			this.tracer = tracer;
		}

		@EventListener
		void quick(Traced event) {
			see(event);
		}

		@EventListener
		void slow(Traced event) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // a millisecond of blocking I/O
			see(event);
		}

		@EventListener
		void failing(Failing event) {
			throw new IllegalStateException(event.message());
		}

		private void see(Traced event) {
			Span span = this.tracer.currentSpan();
			this.seen.add(new Seen(event.publisher(), MDC.get("traceId"), (span != null) ? span.context().traceId() : null,
					(span != null) ? span.context().spanId() : null, (span != null) ? span.context().parentId() : null,
					this.queue.isReactorThread()));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PlainListenerConfiguration {

		@Bean
		PlainListener plainListener(SelectorWakeQueue queue) {
			return new PlainListener(queue);
		}

	}

	static final class PlainListener {

		private final SelectorWakeQueue queue;

		final List<String> received = new CopyOnWriteArrayList<>();

		PlainListener(SelectorWakeQueue queue) {
			this.queue = queue;
		}

		@EventListener
		void on(Failing event) {
			this.received.add(event.message() + (this.queue.isReactorThread() ? "@reactor" : "@other"));
		}

	}

}
