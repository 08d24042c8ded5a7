package io.github.selectorwakequeue.sample;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.spring.test.EventDeliveryWaiter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.client.EntityExchangeResult;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Every endpoint of the sample, over real HTTP against the running application.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
@ActiveProfiles("test")
class SampleApplicationTests {

	private static final Duration BOUND = Duration.ofSeconds(60);

	private static final String TALLY = "BurstTally.onBurstEvent(BurstEvent)";

	private static final String MAILER = "ReceiptMailer.mailReceipt(BurstEvent)";

	private static final String STALL = "StallHazard.onStallRequested(StallRequested)";

	private static final int STALL_SECONDS = 8;

	@Autowired
	private RestTestClient client;

	@Autowired
	private SelectorWakeQueue queue;

	@Autowired
	private EventDeliveryWaiter delivery;

	private String reactor;

	@BeforeEach
	void reactorThreadName() {
		this.reactor = this.queue.reactorThread().orElseThrow().getName();
	}

	@Test
	void tasksRunOnTheInjectedQueue() {
		assertTimeoutPreemptively(BOUND, () -> {
			DocumentContext answer = post("/tasks?count=500");
			assertThat(answer.read("$.requested", Integer.class)).isEqualTo(500);
			assertThat(answer.read("$.ran", Integer.class)).isEqualTo(500);
			assertThat(answer.read("$.allRan", Boolean.class)).isTrue();
			assertThat(answer.read("$.ranOnReactor", Integer.class)).isEqualTo(500);
			assertThat(answer.read("$.ranOn", List.class)).containsExactly(this.reactor);
		});
	}

	@Test
	void orderListenersRunWhereTheyShould() {
		assertTimeoutPreemptively(BOUND, () -> {
			DocumentContext answer = post("/orders?item=book&quantity=2");
			String publisher = answer.read("$.publishedOn");
			assertThat(answer.read("$.orderId", Long.class)).isPositive();
			assertThat(answer.read("$.stored", Boolean.class)).isTrue();
			assertThat(publisher).isNotEqualTo(this.reactor);
			assertThat(answer.read("$.auditListener", String.class)).isEqualTo(this.reactor);
			assertThat(answer.read("$.afterCommitListener", String.class)).isEqualTo(publisher);
			assertThat(answer.read("$.confirmationListener", String.class)).isEqualTo(this.reactor);
			assertThat(answer.read("$.followUpListener", String.class)).isEqualTo(this.reactor);
		});
	}

	@Test
	void burstIsDeliveredAndShowsInMetricsAndEndpoint() {
		assertTimeoutPreemptively(BOUND, () -> {
			double dispatchedBefore = dispatchedMetric();
			long endpointBefore = getJson("/actuator/wakequeue").read("$.dispatched", Long.class);

			DocumentContext answer = post("/burst?events=20000&threads=4");
			assertThat(answer.read("$.threads", Integer.class)).isEqualTo(4);
			assertThat(answer.read("$.published", Long.class)).isEqualTo(20000);
			assertThat(answer.read("$.delivered", Long.class)).isEqualTo(20000);
			assertThat(answer.read("$.allDelivered", Boolean.class)).isTrue();
			long onReactor = answer.read("$.deliveredOnReactor", Long.class);
			long onPublishers = answer.read("$.deliveredOnPublishers", Long.class);
			assertThat(onReactor + onPublishers).isEqualTo(20000);
			assertThat(onReactor).isPositive();
			// Each listener in its lane: the tally stays on the reactor, the ~1 ms mailer has moved to a worker.
			assertThat(answer.read("$.listeners[*].listener", List.class)).containsExactly(TALLY, MAILER);
			assertThat(answer.read("$.listeners[?(@.listener == '" + TALLY + "')].mode", List.class))
				.containsExactly("ON_REACTOR");
			assertThat(answer.read("$.listeners[?(@.listener == '" + MAILER + "')].mode", List.class))
				.containsExactly("ON_WORKER");

			assertThat(dispatchedMetric() - dispatchedBefore).isGreaterThanOrEqualTo(onReactor);
			DocumentContext endpoint = getJson("/actuator/wakequeue");
			assertThat(endpoint.read("$.dispatched", Long.class) - endpointBefore).isGreaterThanOrEqualTo(onReactor);
			assertThat(endpoint.read("$.running", Boolean.class)).isTrue();
			assertThat(endpoint.read("$.eventRouting", Boolean.class)).isTrue();
			assertThat(endpoint.read("$.capacity", Integer.class)).isEqualTo(8192);
		});
	}

	@Test
	void healthIsUpWithQueueDetails() {
		DocumentContext health = getJson("/actuator/health");
		assertThat(health.read("$.status", String.class)).isEqualTo("UP");
		assertThat(health.read("$.components.selectorWakeQueue.status", String.class)).isEqualTo("UP");
		assertThat(health.read("$.components.selectorWakeQueue.details.capacity", Integer.class)).isEqualTo(8192);
	}

	@Test
	void prometheusScrapeHasWakequeueSeries() {
		post("/tasks?count=10");
		String scrape = this.client.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(scrape).contains("wakequeue_").contains("outcome=\"dispatched\"");
	}

	@Test
	void garbageCollectorCleanUpPublishesSafely() {
		assertTimeoutPreemptively(BOUND, () -> {
			DocumentContext answer = post("/hazards/gc?objects=200");
			assertThat(answer.read("$.hazard", String.class)).isEqualTo("gc");
			assertThat(answer.read("$.published", Long.class)).isEqualTo(200);
			assertThat(answer.read("$.delivered", Long.class)).isEqualTo(200);
			assertThat(answer.read("$.allDelivered", Boolean.class)).isTrue();
			assertThat(answer.read("$.publishedOn", List.class)).allMatch((name) -> ((String) name).startsWith("Cleaner"));
			assertThat(answer.read("$.deliveredOn", List.class)).contains(this.reactor);
		});
	}

	@Test
	void signalHandlerPublishesSafely() {
		assertTimeoutPreemptively(BOUND, () -> {
			long before = getJson("/hazards/signal").read("$.published", Long.class);
			long start = System.nanoTime();
			DocumentContext answer = post("/hazards/signal");
			long requestMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			assertThat(answer.read("$.hazard", String.class)).isEqualTo("signal");
			assertThat(answer.read("$.millis", Long.class)).as("this signal's publish and delivery, not the uptime")
				.isLessThanOrEqualTo(requestMillis);
			assertThat(answer.read("$.details.handlerInstalled", Boolean.class)).isTrue();
			assertThat(answer.read("$.details.pid", Long.class)).isEqualTo(ProcessHandle.current().pid());
			assertThat(answer.read("$.published", Long.class)).isGreaterThanOrEqualTo(before + 1);
			assertThat(answer.read("$.allDelivered", Boolean.class)).isTrue();
			assertThat(answer.read("$.publishedOn", List.class)).anyMatch((name) -> ((String) name).contains("WINCH"));
			assertThat(answer.read("$.deliveredOn", List.class)).contains(this.reactor);
		});
	}

	@Test
	void interruptedPublishersLoseNothing() {
		assertTimeoutPreemptively(BOUND, () -> {
			DocumentContext answer = post("/hazards/interrupted?threads=4&events=500");
			assertThat(answer.read("$.published", Long.class)).isEqualTo(2000);
			assertThat(answer.read("$.delivered", Long.class)).isEqualTo(2000);
			assertThat(answer.read("$.allDelivered", Boolean.class)).isTrue();
			assertThat(answer.read("$.details.threadsStillInterruptedAfterPublishing", Integer.class)).isEqualTo(4);
			assertThat(answer.read("$.deliveredOn", List.class)).contains(this.reactor);
		});
	}

	@Test
	void reactorFloodingItsOwnQueueKeepsTheOverflowInOrderBehindIt() {
		assertTimeoutPreemptively(BOUND, () -> {
			DocumentContext answer = post("/hazards/reentrant");
			assertThat(answer.read("$.published", Long.class)).isEqualTo(2 * 8192);
			assertThat(answer.read("$.delivered", Long.class)).isEqualTo(2 * 8192);
			assertThat(answer.read("$.allDelivered", Boolean.class)).isTrue();
			assertThat(answer.read("$.deliveredOnReactor", Long.class)).isEqualTo(2 * 8192);
			assertThat(answer.read("$.details.capacity", Integer.class)).isEqualTo(8192);
			assertThat(answer.read("$.details.floodRanOn", String.class)).isEqualTo(this.reactor);
			assertThat(answer.read("$.details.deliveredInlineWhileQueueFull", Long.class)).isZero();
			assertThat(answer.read("$.details.deliveredFromQueueAfterwards", Long.class)).isEqualTo(2 * 8192);
			assertThat(answer.read("$.details.deliveredOutOfOrder", Long.class)).isZero();
			assertThat(answer.read("$.details.queueOverflowedDelta", Long.class)).isPositive();
			assertThat(answer.read("$.details.queueCallerRunsDelta", Long.class)).isZero();
		});
	}

	/**
	 * A stuck listener holds up only its own lane. The context's first stall runs on the reactor, so it is handed off
	 * ({@code STUCK}); meanwhile a burst reaches every other listener in full and tasks run, while a second request
	 * for the stalled listener waits in its lane; health is {@code DOWN} naming the listener with its frame. Then the
	 * listener catches up with what waited for it, its lane is back (on a worker, as a listener that stalled counts
	 * as slow) and health is {@code UP}.
	 */
	@Test
	void stuckListenerHoldsUpOnlyItsOwnLane() {
		assertTimeoutPreemptively(BOUND.plusSeconds(30), () -> {
			assertThat(laneOf(getJson("/actuator/wakequeue"), STALL).read("$.mode", String.class))
				.as("the first stall of this context: its lane is still on the reactor").isEqualTo("ON_REACTOR");
			DocumentContext before = getJson("/actuator/wakequeue");
			long handOffs = before.read("$.reactorHandOffs", Long.class);
			long stallDelivered = laneOf(before, STALL).read("$.delivered", Long.class);
			long mailerDelivered = laneOf(before, MAILER).read("$.delivered", Long.class);

			DocumentContext answer = post("/hazards/stall?seconds=" + STALL_SECONDS);
			assertThat(answer.read("$.listener", String.class)).isEqualTo(STALL);
			assertThat(answer.read("$.listenerBlockedForSeconds", Integer.class)).isEqualTo(STALL_SECONDS);
			assertThat(answer.read("$.stuckThreshold", String.class)).isEqualTo("PT0.1S");
			assertThat(answer.read("$.stallThreshold", String.class)).isEqualTo("PT0.3S");
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				DocumentContext endpoint = getJson("/actuator/wakequeue");
				assertThat(laneOf(endpoint, STALL).read("$.mode", String.class)).isEqualTo("STUCK");
				assertThat(endpoint.read("$.reactorHandOffs", Long.class)).isEqualTo(handOffs + 1);
			});
			post("/hazards/stall?seconds=1"); // waits in the stalled listener's lane
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				EntityExchangeResult<String> health = healthOfQueue();
				assertThat(health.getStatus()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
				DocumentContext body = JsonPath.parse(health.getResponseBody());
				assertThat(body.read("$.details.stalledListener", String.class)).isEqualTo(STALL);
				assertThat(body.read("$.details.stalledThread.stackTrace", List.class))
					.anyMatch((frame) -> ((String) frame).contains("StallHazard.onStallRequested"));
			});

			DocumentContext burst = post("/burst?events=2000&threads=4");
			assertThat(burst.read("$.allDelivered", Boolean.class)).isTrue();
			assertThat(burst.read("$.delivered", Long.class)).isEqualTo(2000);
			assertThat(post("/tasks?count=100").read("$.allRan", Boolean.class)).isTrue();
			DocumentContext during = getJson("/actuator/wakequeue");
			assertThat(during.read("$.size", Integer.class)).isZero();
			DocumentContext stalled = laneOf(during, STALL);
			assertThat(stalled.read("$.mode", String.class)).as("delivered while the stall lasts").isEqualTo("STUCK");
			assertThat(stalled.read("$.depth", Integer.class)).isEqualTo(1);
			assertThat(stalled.read("$.delivered", Long.class)).isEqualTo(stallDelivered);
			assertThat(laneOf(during, MAILER).read("$.delivered", Long.class)).as("the mailer goes on meanwhile")
				.isGreaterThan(mailerDelivered);

			// Both stalls, then the mailer's backlog (~1 ms a receipt, after what an earlier 20,000-event burst left it).
			this.delivery.awaitDelivery(Duration.ofSeconds(STALL_SECONDS + 50));
			DocumentContext after = getJson("/actuator/wakequeue");
			DocumentContext lane = laneOf(after, STALL);
			assertThat(lane.read("$.delivered", Long.class)).isEqualTo(stallDelivered + 2);
			assertThat(lane.read("$.depth", Integer.class)).isZero();
			assertThat(lane.read("$.mode", String.class)).isEqualTo("ON_WORKER");
			assertThat(lane.read("$.runningFor", String.class)).isEqualTo("PT0S");
			EntityExchangeResult<String> health = healthOfQueue();
			assertThat(health.getStatus()).isEqualTo(HttpStatus.OK);
			assertThat(JsonPath.parse(health.getResponseBody()).read("$.status", String.class)).isEqualTo("UP");
			DocumentContext mailer = laneOf(after, MAILER);
			assertThat(mailer.read("$.depth", Integer.class)).isZero();
			assertThat(mailer.read("$.delivered", Long.class)).isGreaterThanOrEqualTo(mailerDelivered + 2000);
		});
	}

	/** One lane of {@code /actuator/wakequeue}, by listener. */
	private static DocumentContext laneOf(DocumentContext endpoint, String listener) {
		List<Object> lanes = endpoint.read("$.lanes[?(@.listener == '" + listener + "')]");
		assertThat(lanes).as("lane " + listener).hasSize(1);
		return JsonPath.parse(lanes.get(0));
	}

	private EntityExchangeResult<String> healthOfQueue() {
		return this.client.get().uri("/actuator/health/selectorWakeQueue").exchange().returnResult(String.class);
	}

	private double dispatchedMetric() {
		// the event queue's only: the logging appender's queue has wakequeue.* meters too, under its own name
		return getJson("/actuator/metrics/wakequeue.tasks?tag=name:selector-wake-queue&tag=outcome:dispatched")
			.read("$.measurements[0].value", Double.class);
	}

	@Test
	void consoleLoggingGoesThroughTheQueueAppenderAndShowsInMetrics() {
		assertTimeoutPreemptively(BOUND, () -> {
			// the application's start-up lines went through it (logback-spring.xml)
			DocumentContext dispatched = getJson("/actuator/metrics/wakequeue.tasks?tag=name:ASYNC_CONSOLE&tag=outcome:dispatched");
			assertThat(dispatched.read("$.measurements[0].value", Double.class)).isPositive();
			DocumentContext dropped = getJson("/actuator/metrics/wakequeue.log.dropped?tag=name:ASYNC_CONSOLE");
			assertThat(dropped.read("$.measurements[0].value", Double.class)).isZero();
			assertThat(dropped.read("$.availableTags[?(@.tag == 'level')].values[*]", List.class))
				.containsExactlyInAnyOrder("trace", "debug", "info", "warn", "error");
			assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
				.contains("SelectorWakeQueueAppender-ASYNC_CONSOLE");
		});
	}

	private DocumentContext post(String uri) {
		return JsonPath.parse(this.client.post().uri(uri).exchange().expectStatus().isOk().expectBody(String.class)
			.returnResult().getResponseBody());
	}

	private DocumentContext getJson(String uri) {
		return JsonPath.parse(this.client.get().uri(uri).exchange().expectStatus().isOk().expectBody(String.class)
			.returnResult().getResponseBody());
	}

}
