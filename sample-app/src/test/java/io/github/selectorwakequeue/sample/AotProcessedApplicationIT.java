package io.github.selectorwakequeue.sample;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import io.github.selectorwakequeue.sample.support.AotApplicationProcess;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The sample processed ahead of time by Spring AOT ({@code spring-boot:process-aot} in the {@code aot} profile) and
 * started from its repackaged jar with {@code -Dspring.aot.enabled=true}, in its own JVM: it starts from the
 * generated bean definitions, reports health UP, routes events through the queue, delivers one burst on the
 * reactor, and stops on SIGTERM. The jar also carries the native-image metadata that AOT generated, the starter's
 * hints included. Run by {@code ./mvnw -Paot -pl sample-app -am verify} (failsafe), which builds
 * the jar first.
 */
class AotProcessedApplicationIT {

	private static final Duration BOUND = Duration.ofMinutes(2);

	private final Path jar = Path.of(System.getProperty("aot.jar", "target/selector-wake-queue-sample-app.jar"));

	@Test
	void startsFromTheAotGeneratedContextAndDeliversABurst() {
		assertTimeoutPreemptively(BOUND, () -> {
			try (AotApplicationProcess application = AotApplicationProcess.start(this.jar, Duration.ofSeconds(90))) {
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

	@Test
	void theJarCarriesTheNativeImageMetadataWithTheStartersHints() throws IOException {
		String metadata = reachabilityMetadata();
		// From the starter's aot.factories (looked up by name), and from Boot's processing of the endpoint.
		assertThat(metadata).contains("\"org.springframework.boot.web.server.context.WebServerInitializedEvent\"")
			.contains("\"io.github.selectorwakequeue.spring.actuate.SelectorWakeQueueEndpoint$QueueDescriptor\"");
	}

	private String reachabilityMetadata() throws IOException {
		try (ZipFile zip = new ZipFile(this.jar.toFile())) {
			ZipEntry entry = zip.stream()
				.filter((candidate) -> candidate.getName()
					.endsWith("META-INF/native-image/io.github.selectorwakequeue/selector-wake-queue-sample-app/"
							+ "reachability-metadata.json"))
				.findFirst()
				.orElseThrow(() -> new AssertionError("No reachability-metadata.json in " + this.jar));
			try (InputStream in = zip.getInputStream(entry)) {
				return new String(in.readAllBytes(), StandardCharsets.UTF_8);
			}
		}
	}

}
