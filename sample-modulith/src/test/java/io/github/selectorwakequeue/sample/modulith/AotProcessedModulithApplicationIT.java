package io.github.selectorwakequeue.sample.modulith;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import io.github.selectorwakequeue.sample.support.AotApplicationProcess;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The Modulith sample processed ahead of time by Spring AOT and started from its repackaged jar with
 * {@code -Dspring.aot.enabled=true}, in its own JVM. The composition with Modulith's registry is part of the
 * generated bean definitions (the replacement multicaster): orders committed from two threads reach the module
 * listener on the queue's threads, never the publisher's or Spring's {@code @Async} executor's, in commit order.
 * Run by {@code ./mvnw -Paot -pl sample-modulith -am verify} (failsafe), which builds the jar first.
 */
class AotProcessedModulithApplicationIT {

	private static final Duration BOUND = Duration.ofMinutes(2);

	@Test
	void composesWithModulithFromTheAotGeneratedContext() {
		Path jar = Path.of(System.getProperty("aot.jar", "target/selector-wake-queue-sample-modulith.jar"));
		assertTimeoutPreemptively(BOUND, () -> {
			try (AotApplicationProcess application = AotApplicationProcess.start(jar, Duration.ofSeconds(90))) {
				assertThat(application.output()).contains("Starting AOT-processed ModulithSampleApplication");

				DocumentContext orders = JsonPath.parse(application.post("/orders?count=200&threads=2"));
				assertThat(orders.read("$.allReceived", Boolean.class)).isTrue();
				assertThat(orders.read("$.receivedOutOfCommitOrder", Integer.class)).isZero();
				List<String> moduleListenerThreads = orders.read("$.moduleListenerRanOn");
				assertThat(moduleListenerThreads).isNotEmpty().allMatch((name) -> name.startsWith("selector-wake-queue"));
				List<String> plainListenerThreads = orders.read("$.plainListenerRanOn");
				assertThat(plainListenerThreads).isNotEmpty().allMatch((name) -> name.startsWith("selector-wake-queue"));

				assertThat(application.stop()).as("exited on SIGTERM within its bound:\n%s", application.output())
					.isTrue();
			}
		});
	}

}
