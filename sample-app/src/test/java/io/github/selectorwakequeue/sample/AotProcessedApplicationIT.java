package io.github.selectorwakequeue.sample;

import java.nio.file.Path;
import java.time.Duration;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The sample processed ahead of time by Spring AOT ({@code spring-boot:process-aot} in the {@code aot} profile) and
 * started from its repackaged jar with {@code -Dspring.aot.enabled=true}, in its own JVM: it starts from the
 * generated bean definitions, reports health UP, routes events through the queue, delivers one burst on the
 * reactor, and stops on SIGTERM. Run by {@code ./mvnw -Paot -pl sample-app -am verify} (failsafe), which builds
 * the jar first.
 */
class AotProcessedApplicationIT {

	private static final Duration BOUND = Duration.ofMinutes(2);

	@Test
	void startsFromTheAotGeneratedContextAndDeliversABurst() {
		Path jar = Path.of(System.getProperty("aot.jar", "target/selector-wake-queue-sample-app.jar"));
		assertTimeoutPreemptively(BOUND, () -> {
			try (AotApplicationProcess application = AotApplicationProcess.start(jar, Duration.ofSeconds(90))) {
				assertThat(application.output()).contains("Starting AOT-processed SampleApplication");

				DocumentContext health = JsonPath.parse(application.get("/actuator/health"));
				assertThat(health.read("$.status", String.class)).isEqualTo("UP");
				assertThat(health.read("$.components.selectorWakeQueue.status", String.class)).isEqualTo("UP");

				DocumentContext burst = JsonPath.parse(application.post("/burst?events=1000&threads=2"));
				assertThat(burst.read("$.delivered", Integer.class)).isEqualTo(1000);
				assertThat(burst.read("$.allDelivered", Boolean.class)).isTrue();
				assertThat(burst.read("$.deliveredOnReactor", Integer.class)).isPositive();

				DocumentContext queue = JsonPath.parse(application.get("/actuator/wakequeue"));
				assertThat(queue.read("$.eventRouting", Object.class)).as("events routed through the queue")
					.isEqualTo(true);
				assertThat(queue.read("$.health", String.class)).isEqualTo("UP");

				assertThat(application.stop()).as("exited on SIGTERM within its bound:\n%s", application.output())
					.isTrue();
			}
		});
	}

}
