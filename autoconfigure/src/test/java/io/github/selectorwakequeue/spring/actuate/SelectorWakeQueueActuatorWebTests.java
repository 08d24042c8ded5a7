package io.github.selectorwakequeue.spring.actuate;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The whole starter in a web application on a random port, read over real HTTP: the health component,
 * the {@code wakequeue} endpoint, the {@code wakequeue.*} metrics and the Prometheus scrape. Events whose
 * {@code toString()} holds a secret flow through the queue; the secret must never appear in a response.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, classes = SelectorWakeQueueActuatorWebTests.WebApplication.class,
		properties = { "management.endpoints.web.exposure.include=health,wakequeue,metrics,prometheus",
				"management.endpoint.health.show-details=always", "management.prometheus.metrics.export.enabled=true",
				"selector-wake-queue.name=web-queue", "selector-wake-queue.health.stall-threshold=200ms",
				"selector-wake-queue.metrics.timing-sample-every=1" })
class SelectorWakeQueueActuatorWebTests {

	private static final Duration BOUND = Duration.ofSeconds(30);

	static final String MARKER = "tok-7f3a-SECRET-MARKER";

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@LocalServerPort
	private int port;

	@Autowired
	private ApplicationEventPublisher publisher;

	@Autowired
	private Listeners listeners;

	@Test
	void actuatorShowsTheQueueAndNeverAnEventPayload() {
		assertTimeoutPreemptively(BOUND, () -> {
			int events = 20;
			for (int i = 0; i < events; i++) {
				this.publisher.publishEvent(new SecretEvent(i));
			}
			await().atMost(BOUND).until(() -> this.listeners.secretThreads.size() == events);
			assertThat(this.listeners.secretThreads).containsOnly("web-queue");
			await().atMost(BOUND).until(() -> JsonPath.<Number>read(get("/actuator/wakequeue").body(), "$.dispatched")
					.longValue() >= events);

			List<String> bodies = new ArrayList<>();

			HttpResponse<String> health = get("/actuator/health/selectorWakeQueue");
			bodies.add(health.body());
			assertThat(health.statusCode()).isEqualTo(200);
			assertThat(JsonPath.<String>read(health.body(), "$.status")).isEqualTo("UP");
			assertThat(JsonPath.<Number>read(health.body(), "$.details.capacity").intValue()).isEqualTo(65536);
			assertThat(JsonPath.<Object>read(health.body(), "$.details.oldestTaskAge")).isNotNull();

			HttpResponse<String> endpoint = get("/actuator/wakequeue");
			bodies.add(endpoint.body());
			assertThat(endpoint.statusCode()).isEqualTo(200);
			String json = endpoint.body();
			assertThat(JsonPath.<String>read(json, "$.name")).isEqualTo("web-queue");
			assertThat(JsonPath.<Boolean>read(json, "$.running")).isTrue();
			assertThat(JsonPath.<Boolean>read(json, "$.eventRouting")).isTrue();
			assertThat(JsonPath.<Number>read(json, "$.events.async").longValue()).isGreaterThanOrEqualTo(events);
			assertThat(JsonPath.<String>read(json, "$.reactorThread.name")).isEqualTo("web-queue");
			assertThat(JsonPath.<String>read(json, "$.health")).isEqualTo("UP");

			HttpResponse<String> depth = get("/actuator/metrics/wakequeue.depth");
			bodies.add(depth.body());
			assertThat(depth.statusCode()).isEqualTo(200);
			assertThat(JsonPath.<String>read(depth.body(), "$.name")).isEqualTo("wakequeue.depth");
			assertThat(JsonPath.<String>read(depth.body(), "$.baseUnit")).isEqualTo("tasks");
			assertThat(JsonPath.<List<String>>read(depth.body(), "$.availableTags[?(@.tag=='name')].values[0]"))
				.contains("web-queue");

			HttpResponse<String> dispatched = get("/actuator/metrics/wakequeue.tasks?tag=outcome:dispatched");
			bodies.add(dispatched.body());
			assertThat(JsonPath.<Number>read(dispatched.body(), "$.measurements[0].value").doubleValue()).isGreaterThanOrEqualTo(events);

			HttpResponse<String> async = get("/actuator/metrics/wakequeue.events?tag=mode:async");
			bodies.add(async.body());
			assertThat(JsonPath.<Number>read(async.body(), "$.measurements[0].value").doubleValue()).isGreaterThanOrEqualTo(events);

			HttpResponse<String> aggregate = get("/actuator/health");
			bodies.add(aggregate.body());
			assertThat(JsonPath.<String>read(aggregate.body(), "$.components.selectorWakeQueue.status")).isEqualTo("UP");

			HttpResponse<String> prometheus = get("/actuator/prometheus");
			bodies.add(prometheus.body());
			assertThat(prometheus.statusCode()).isEqualTo(200);
			assertThat(prometheus.body()).contains("wakequeue_depth_tasks{name=\"web-queue\"}")
				.contains("wakequeue_capacity_tasks{name=\"web-queue\"} 65536")
				.contains("wakequeue_tasks_total{name=\"web-queue\",outcome=\"dispatched\"}")
				.contains("wakequeue_tasks_total{name=\"web-queue\",outcome=\"caller_runs\"}")
				.contains("wakequeue_wakeups_total{name=\"web-queue\"}")
				.contains("wakequeue_reactor_restarts_total{name=\"web-queue\"}")
				.contains("wakequeue_events_total{mode=\"async\",name=\"web-queue\"}")
				.contains("wakequeue_wait_seconds_count{name=\"web-queue\"}")
				.contains("wakequeue_execution_seconds_count{name=\"web-queue\"}");

			assertThat(bodies).hasSize(7).allSatisfy((body) -> assertThat(body).doesNotContain(MARKER));
		});
	}

	@Test
	void aBlockingListenerTurnsHealthDownWithItsFrameAndUpWhenReleased() {
		assertTimeoutPreemptively(BOUND, () -> {
			CountDownLatch release = new CountDownLatch(1);
			try {
				this.publisher.publishEvent(new BlockingEvent(release));
				assertThat(this.listeners.blocking.await(10, TimeUnit.SECONDS)).isTrue();
				// Stats#currentTaskRunningFor starts its clock at the first look for most tasks: poll.
				HttpResponse<String> down = await().atMost(BOUND)
					.pollInterval(Duration.ofMillis(100))
					.until(() -> get("/actuator/health/selectorWakeQueue"), (response) -> response.statusCode() == 503);
				assertThat(JsonPath.<String>read(down.body(), "$.status")).isEqualTo("DOWN");
				assertThat(Duration.parse(JsonPath.read(down.body(), "$.details.stalledFor")))
					.isGreaterThan(Duration.ofMillis(200));
				// Once the reactor has handed the listener off (after the stuck threshold), the listener's thread, the
				// former reactor, is the stalled one; until then the reactor itself is stalled in it.
				Map<String, Object> details = JsonPath.read(down.body(), "$.details");
				String stalled = details.containsKey("stalledThread") ? "stalledThread" : "reactorThread";
				assertThat(JsonPath.<String>read(down.body(), "$.details." + stalled + ".name")).isEqualTo("web-queue");
				assertThat(JsonPath.<List<String>>read(down.body(), "$.details." + stalled + ".stackTrace"))
					.hasSizeLessThanOrEqualTo(10)
					.anySatisfy((frame) -> assertThat(frame).contains("Listeners.blockUntilReleased"));
				assertThat(down.body()).doesNotContain(MARKER);
				HttpResponse<String> endpoint = get("/actuator/wakequeue");
				assertThat(JsonPath.<String>read(endpoint.body(), "$.health")).isEqualTo("DOWN");
				assertThat(endpoint.body()).doesNotContain(MARKER);
			}
			finally {
				release.countDown();
			}
			await().atMost(BOUND)
				.pollInterval(Duration.ofMillis(50))
				.until(() -> get("/actuator/health/selectorWakeQueue").statusCode() == 200);
			assertThat(JsonPath.<String>read(get("/actuator/health/selectorWakeQueue").body(), "$.status"))
				.isEqualTo("UP");
		});
	}

	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.timeout(Duration.ofSeconds(10))
			.GET()
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class WebApplication {

		@Bean
		Listeners listeners() {
			return new Listeners();
		}

	}

	/** An application event whose toString() holds a secret. */
	record SecretEvent(int sequence) {

		@Override
		public String toString() {
			return "SecretEvent[" + MARKER + "#" + this.sequence + "]";
		}

	}

	/** An event whose listener blocks the reactor until released. */
	record BlockingEvent(CountDownLatch release) {

		@Override
		public String toString() {
			return "BlockingEvent[" + MARKER + "]";
		}

	}

	static class Listeners {

		final List<String> secretThreads = new CopyOnWriteArrayList<>();

		final CountDownLatch blocking = new CountDownLatch(1);

		@EventListener
		void onSecret(SecretEvent event) {
			this.secretThreads.add(Thread.currentThread().getName());
		}

		@EventListener
		void onBlocking(BlockingEvent event) {
			blockUntilReleased(event.release());
		}

		private void blockUntilReleased(CountDownLatch release) {
			this.blocking.countDown();
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
