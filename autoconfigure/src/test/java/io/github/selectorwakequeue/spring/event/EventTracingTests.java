package io.github.selectorwakequeue.spring.event;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.autoconfigure.SelectorWakeQueueAutoConfiguration;
import io.micrometer.context.ContextRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.contextpropagation.ObservationAwareSpanThreadLocalAccessor;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Tracing across the queue, with Boot's own observation and Brave tracing auto-configuration: a listener on the
 * reactor, and one on a lane worker, run in the publisher's trace.
 */
class EventTracingTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class, BraveAutoConfiguration.class,
				MicrometerTracingAutoConfiguration.class, SelectorWakeQueueAutoConfiguration.class))
		.withUserConfiguration(TracedListenersConfiguration.class)
		.withPropertyValues("management.tracing.sampling.probability=1.0",
				"selector-wake-queue.lanes.slow-threshold=50us");

	@Test
	void listenersOnTheReactorAndOnALaneWorkerSeeThePublishersTraceInMdcAndTracer() {
		this.runner.run((context) -> assertTimeoutPreemptively(TIMEOUT, () -> {
			TracedListeners listeners = context.getBean(TracedListeners.class);
			int published = 0;
			// The slow listener leaves the reactor after a few measured events: publish until it has run on a worker.
			while (listeners.slowOffReactor() < 5) {
				assertThat(published).as("the slow listener moved to a worker").isLessThan(500);
				for (int i = 0; i < 10; i++) {
					publishInNewObservation(context, published++);
				}
				int expected = published;
				await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(5)).until(() -> listeners.slow.size() == expected);
			}
			int total = published;
			await().atMost(TIMEOUT).until(() -> listeners.quick.size() == total);
			assertThat(listeners.quick).allSatisfy(TracedListenersConfiguration::assertInPublishersTrace)
				.anySatisfy((seen) -> assertThat(seen.onReactor()).isTrue());
			assertThat(listeners.slow).allSatisfy(TracedListenersConfiguration::assertInPublishersTrace)
				.anySatisfy((seen) -> assertThat(seen.onReactor()).isFalse());
			assertThat(listeners.quick.stream().map(Seen::publisherTraceId).distinct()).hasSize(total);
		}));
	}

	@Test
	void withoutPropagationTheListenerRunsOutsideThePublishersTrace() {
		this.runner.withPropertyValues("selector-wake-queue.events.propagate-context=false")
			.run((context) -> assertTimeoutPreemptively(TIMEOUT, () -> {
				TracedListeners listeners = context.getBean(TracedListeners.class);
				publishInNewObservation(context, 0);
				await().atMost(TIMEOUT).until(() -> listeners.quick.size() == 1);
				assertThat(listeners.quick).singleElement().satisfies((seen) -> {
					assertThat(seen.mdcTraceId()).isNull();
					assertThat(seen.currentTraceId()).isNull();
				});
			}));
	}

	@Test
	void aSpanOutsideAnyObservationReachesTheListenerOnlyWithTracingsOwnAccessorRegistered() {
		this.runner.run((context) -> assertTimeoutPreemptively(TIMEOUT, () -> {
			TracedListeners listeners = context.getBean(TracedListeners.class);
			Tracer tracer = context.getBean(Tracer.class);
			publishInManualSpan(context, tracer, 0);
			await().atMost(TIMEOUT).until(() -> listeners.quick.size() == 1);
			Seen seen = listeners.quick.get(0);
			assertThat(seen.mdcTraceId()).as("the MDC is copied").isEqualTo(seen.publisherTraceId());
			assertThat(seen.currentTraceId()).as("the span is not in the ContextRegistry").isNull();
		}));
		// The registry is global: registered for one context only, and removed again.
		ContextRegistry registry = ContextRegistry.getInstance();
		this.runner.run((context) -> {
			Tracer tracer = context.getBean(Tracer.class);
			registry.registerThreadLocalAccessor(new ObservationAwareSpanThreadLocalAccessor(tracer));
			try {
				assertTimeoutPreemptively(TIMEOUT, () -> {
					TracedListeners listeners = context.getBean(TracedListeners.class);
					publishInManualSpan(context, tracer, 0);
					await().atMost(TIMEOUT).until(() -> listeners.quick.size() == 1);
					assertThat(listeners.quick).allSatisfy(TracedListenersConfiguration::assertInPublishersTrace);
				});
			}
			finally {
				registry.removeThreadLocalAccessor(ObservationAwareSpanThreadLocalAccessor.KEY);
			}
		});
	}

	private static void publishInManualSpan(ConfigurableApplicationContext context, Tracer tracer, int number) {
		Span span = tracer.nextSpan().name("manual").start();
		try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
			context.publishEvent(new Traced(number, span.context().traceId(), span.context().spanId()));
		}
		finally {
			span.end();
		}
	}

	static void publishInNewObservation(ConfigurableApplicationContext context, int number) {
		ObservationRegistry registry = context.getBean(ObservationRegistry.class);
		Tracer tracer = context.getBean(Tracer.class);
		Observation.createNotStarted("test.publish", registry).observe(() -> {
			Span span = tracer.currentSpan();
			assertThat(span).as("the publisher's span").isNotNull();
			assertThat(MDC.get("traceId")).isEqualTo(span.context().traceId());
			context.publishEvent(new Traced(number, span.context().traceId(), span.context().spanId()));
		});
		assertThat(MDC.get("traceId")).as("the publisher's MDC is clean again").isNull();
	}

	record Traced(int number, String traceId, String spanId) {
	}

	/** What a listener saw: the publisher's ids, its own MDC and current span, and its thread. */
	record Seen(int number, String publisherTraceId, String mdcTraceId, String currentTraceId, boolean onReactor) {
	}

	@Configuration(proxyBeanMethods = false)
	static class TracedListenersConfiguration {

		@Bean
		TracedListeners tracedListeners(SelectorWakeQueue queue, Tracer tracer) {
			return new TracedListeners(queue, tracer);
		}

		static void assertInPublishersTrace(Seen seen) {
			assertThat(seen.mdcTraceId()).as("MDC traceId of event %d", seen.number()).isEqualTo(seen.publisherTraceId());
			assertThat(seen.currentTraceId()).as("current span of event %d", seen.number())
				.isEqualTo(seen.publisherTraceId());
		}

	}

	static final class TracedListeners {

		private final SelectorWakeQueue queue;

		private final Tracer tracer;

		final List<Seen> quick = new CopyOnWriteArrayList<>();

		final List<Seen> slow = new CopyOnWriteArrayList<>();

		TracedListeners(SelectorWakeQueue queue, Tracer tracer) {
			this.queue = queue;
			this.tracer = tracer;
		}

		@EventListener
		void quick(Traced event) {
			this.quick.add(see(event));
		}

		@EventListener
		void slow(Traced event) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // a millisecond of blocking I/O
			this.slow.add(see(event));
		}

		long slowOffReactor() {
			return this.slow.stream().filter((seen) -> !seen.onReactor()).count();
		}

		private Seen see(Traced event) {
			Span span = this.tracer.currentSpan();
			return new Seen(event.number(), event.traceId(), MDC.get("traceId"),
					(span != null) ? span.context().traceId() : null, this.queue.isReactorThread());
		}

	}

}
