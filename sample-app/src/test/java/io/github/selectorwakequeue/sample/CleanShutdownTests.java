package io.github.selectorwakequeue.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.sample.burst.BurstEvent;
import io.github.selectorwakequeue.sample.burst.BurstTally;
import io.github.selectorwakequeue.sample.burst.ReceiptMailer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The application starts, logs how to try it, and stops without losing an event: 50,000 events still
 * queued behind a busy reactor when the context closes are all delivered before {@code close()} returns, to the
 * quick tally and to the slow mailer's lane alike (the mailer spools what it gets once closing has begun, so that it
 * does not hold up the close, and logs how many).
 */
@ExtendWith(OutputCaptureExtension.class)
class CleanShutdownTests {

	private static final int PUBLISHERS = 2;

	private static final int EVENTS_PER_PUBLISHER = 25_000;

	@Test
	void startsLogsCurlLinesAndStopsWithoutLosingEvents(CapturedOutput output) {
		assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
			ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
				.run("--server.port=0", "--selector-wake-queue.capacity=65536");
			try {
				SelectorWakeQueue queue = context.getBean(SelectorWakeQueue.class);
				Thread reactor = queue.reactorThread().orElseThrow();
				String port = context.getEnvironment().getProperty("local.server.port");
				// console logging goes through the queue appender (logback-spring.xml): the line arrives asynchronously
				await().atMost(Duration.ofSeconds(10))
					.until(() -> output.toString().contains("curl -s -X POST 'http://localhost:" + port + "/tasks?count=1000'"));
				// The suggested health check comes after the stall threshold (5 s here), so that it shows DOWN.
				assertThat(output).contains("curl -s -X POST 'http://localhost:" + port + "/hazards/stall?seconds=15' ; "
						+ "sleep 6 ; curl -s http://localhost:" + port + "/actuator/health/selectorWakeQueue");

				// Hold the reactor until the context closes, so that the whole burst is still queued then.
				CountDownLatch reactorBusy = new CountDownLatch(1);
				CountDownLatch contextClosing = new CountDownLatch(1);
				context.addApplicationListener((event) -> {
					if (event instanceof ContextClosedEvent) {
						contextClosing.countDown();
					}
				});
				queue.execute(() -> {
					reactorBusy.countDown();
					awaitQuietly(contextClosing, Duration.ofSeconds(30));
				});
				assertThat(reactorBusy.await(10, TimeUnit.SECONDS)).isTrue();

				BurstTally tally = context.getBean(BurstTally.class);
				ReceiptMailer mailer = context.getBean(ReceiptMailer.class);
				BurstTally.Burst burst = tally.open(PUBLISHERS * EVENTS_PER_PUBLISHER);
				List<Thread> publishers = new ArrayList<>();
				for (int t = 0; t < PUBLISHERS; t++) {
					Thread publisher = new Thread(() -> {
						for (int i = 0; i < EVENTS_PER_PUBLISHER; i++) {
							context.publishEvent(new BurstEvent(burst.id(), i));
						}
					});
					publisher.start();
					publishers.add(publisher);
				}
				for (Thread publisher : publishers) {
					publisher.join();
				}

				assertThat(queue.stats().size()).isGreaterThanOrEqualTo(PUBLISHERS * EVENTS_PER_PUBLISHER);
				assertThat(burst.delivered()).isZero();

				context.close();

				assertThat(burst.delivered()).isEqualTo(PUBLISHERS * EVENTS_PER_PUBLISHER);
				assertThat(mailer.sent() + mailer.spooled()).isEqualTo(PUBLISHERS * EVENTS_PER_PUBLISHER);
				assertThat(mailer.spooled()).isPositive();
				await().atMost(Duration.ofSeconds(10)).until(() -> output.toString()
					.contains(mailer.spooled() + " receipts were not mailed: the application shut down first"));
				assertThat(queue.isClosed()).isTrue();
				assertThat(queue.stats().size()).isZero();
				reactor.join(TimeUnit.SECONDS.toMillis(10));
				assertThat(reactor.isAlive()).isFalse();
			}
			finally {
				context.close();
			}
		});
	}

	private static void awaitQuietly(CountDownLatch latch, Duration timeout) {
		try {
			latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
