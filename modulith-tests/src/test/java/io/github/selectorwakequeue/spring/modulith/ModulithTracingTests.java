package io.github.selectorwakequeue.spring.modulith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.selectorwakequeue.spring.modulith.ModulithTestApplication.Commits;
import io.github.selectorwakequeue.spring.modulith.ModulithTestApplication.Committed;
import io.github.selectorwakequeue.spring.modulith.ModulithTestApplication.Recorder;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.exporter.FinishedSpan;
import io.micrometer.tracing.exporter.SpanReporter;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * With delivery observations on, a module listener's invocation, run on the queue after the commit, is a span
 * {@code wakequeue deliver} in the trace of the code that committed, tagged with the listener's lane.
 */
@SpringBootTest(classes = { ModulithTestApplication.class, ModulithTracingTests.SpansConfiguration.class },
		webEnvironment = WebEnvironment.NONE, properties = { "selector-wake-queue.events.observations.enabled=true",
				"management.tracing.sampling.probability=1.0" })
class ModulithTracingTests {

	private static final Duration BOUND = Duration.ofSeconds(60);

	@Autowired
	private Commits commits;

	@Autowired
	private Recorder recorder;

	@Autowired
	private ObservationRegistry observations;

	@Autowired
	private Tracer tracer;

	@Autowired
	private Spans spans;

	@Test
	void aModuleListenerInvocationIsASpanInTheCommittersTrace() {
		assertTimeoutPreemptively(BOUND, () -> {
			String[] publisher = new String[2];
			long[] sequence = new long[1];
			Observation.createNotStarted("test.commit", this.observations).observe(() -> {
				Span span = this.tracer.currentSpan();
				publisher[0] = span.context().traceId();
				publisher[1] = span.context().spanId();
				sequence[0] = this.commits.commit(Committed::new);
			});
			await().atMost(Duration.ofSeconds(20)).until(() -> this.recorder.committed.contains(sequence[0]));
			await().atMost(Duration.ofSeconds(20))
				.until(() -> deliveries().stream().anyMatch((span) -> span.getTraceId().equals(publisher[0])));
			assertThat(deliveries()).filteredOn((span) -> span.getTraceId().equals(publisher[0]))
				.singleElement()
				.satisfies((span) -> {
					assertThat(span.getParentId()).isEqualTo(publisher[1]);
					assertThat(span.getTags()).containsEntry("listener", "Listeners.onCommitted(Committed)")
						.containsEntry("queue", "selector-wake-queue");
					assertThat(span.getError()).isNull();
				});
		});
	}

	private List<FinishedSpan> deliveries() {
		return this.spans.finished.stream().filter((span) -> span.getName().equals("wakequeue deliver")).toList();
	}

	@Configuration(proxyBeanMethods = false)
	static class SpansConfiguration {

		@Bean
		Spans spans() {
			return new Spans();
		}

	}

	/** Finished spans, as an exporter would receive them. */
	static final class Spans implements SpanReporter {

		final List<FinishedSpan> finished = new CopyOnWriteArrayList<>();

		@Override
		public void report(FinishedSpan span) {
			this.finished.add(span);
		}

	}

}
