package io.github.selectorwakequeue.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.selectorwakequeue.SelectorWakeQueue;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * With a real web server shutting down gracefully: a request still in flight when shutdown begins publishes an
 * event, and that event is delivered on the reactor, because the queue closes only after the web server has
 * finished its requests and stopped.
 */
class SelectorWakeQueueWebShutdownTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	@Test
	void queueClosesAfterTheWebServersGracefulShutdownAndStop() {
		assertThat(SelectorWakeQueueLifecycle.PHASE).isLessThan(WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE)
			.isLessThan(WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE);
	}

	@Test
	void eventPublishedByARequestInFlightDuringGracefulShutdownIsDeliveredOnTheReactor() {
		assertTimeoutPreemptively(TIMEOUT, () -> {
			ConfigurableApplicationContext context = new SpringApplicationBuilder(WebApplication.class)
				.web(WebApplicationType.SERVLET)
				.run("--server.port=0", "--server.shutdown=graceful", "--spring.main.banner-mode=off");
			Gate gate = context.getBean(Gate.class);
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/publish"))
				.timeout(TIMEOUT)
				.build();
			CompletableFuture<HttpResponse<String>> response = HttpClient.newHttpClient()
				.sendAsync(request, HttpResponse.BodyHandlers.ofString());
			assertThat(gate.requestStarted.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();

			context.close();

			assertThat(response.get().statusCode()).isEqualTo(200);
			assertThat(gate.delivered.getCount()).isZero();
			assertThat(gate.deliveredOnReactor).isTrue();
		});
	}

	record RequestHandled(String path) {
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class WebApplication {

		@Bean
		Gate gate(SelectorWakeQueue queue) {
			return new Gate(queue);
		}

		@Bean
		PublishingController publishingController(Gate gate, ApplicationEventPublisher publisher) {
			return new PublishingController(gate, publisher);
		}

		/** Lets the request go on just before the web server's graceful shutdown begins. */
		@Bean
		SmartLifecycle releaseBeforeGracefulShutdown(Gate gate) {
			return new SmartLifecycle() {

				private volatile boolean running;

				@Override
				public void start() {
					this.running = true;
				}

				@Override
				public void stop() {
					this.running = false;
					gate.release.countDown();
				}

				@Override
				public boolean isRunning() {
					return this.running;
				}

				@Override
				public int getPhase() {
					return WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE + 1;
				}

			};
		}

	}

	static final class Gate {

		private final SelectorWakeQueue queue;

		final CountDownLatch requestStarted = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		final CountDownLatch delivered = new CountDownLatch(1);

		volatile boolean deliveredOnReactor;

		Gate(SelectorWakeQueue queue) {
			this.queue = queue;
		}

		@EventListener
		void onRequestHandled(RequestHandled event) {
			this.deliveredOnReactor = this.queue.isReactorThread();
			this.delivered.countDown();
		}

	}

	@RestController
	static final class PublishingController {

		private final Gate gate;

		private final ApplicationEventPublisher publisher;

		PublishingController(Gate gate, ApplicationEventPublisher publisher) {
			this.gate = gate;
			this.publisher = publisher;
		}

		@GetMapping("/publish")
		String publish() throws InterruptedException {
			this.gate.requestStarted.countDown();
			this.gate.release.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			this.publisher.publishEvent(new RequestHandled("/publish"));
			return "published";
		}

	}

}
