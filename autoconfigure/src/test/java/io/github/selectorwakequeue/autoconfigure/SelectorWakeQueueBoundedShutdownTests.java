package io.github.selectorwakequeue.autoconfigure;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.github.selectorwakequeue.SelectorWakeQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@code selector-wake-queue.shutdown-timeout} bounds the whole shutdown: with far more queued work than fits in it,
 * {@code close()} returns after about the timeout, says at INFO when draining starts (how much waits, the bound), and
 * reports what was left per listener, instead of delivering it on the closing thread for as long as that takes.
 */
@ExtendWith(OutputCaptureExtension.class)
class SelectorWakeQueueBoundedShutdownTests {

	@Test
	void closeKeepsTheShutdownTimeoutAndReportsWhatWasLeftPerListener(CapturedOutput output) {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			ConfigurableApplicationContext context = new SpringApplicationBuilder(SlowApplication.class)
				.web(WebApplicationType.NONE)
				.run("--selector-wake-queue.shutdown-timeout=500ms");
			SlowMailer mailer = context.getBean(SlowMailer.class);
			SelectorWakeQueue queue = context.getBean(SelectorWakeQueue.class);
			for (int i = 0; i < 2_000; i++) {
				context.publishEvent(new Receipt(i)); // 2,000 x 5 ms: ten seconds of work
			}
			long start = System.nanoTime();
			context.close();
			long took = System.nanoTime() - start;
			assertThat(Duration.ofNanos(took)).as("close with shutdown-timeout=500ms")
				.isLessThan(Duration.ofMillis(500 + 1_500));
			// a part a worker was running at the timeout finishes after close returned: wait for it, then count
			assertThat(queue.awaitQuiescence(Duration.ofSeconds(5))).isTrue();
			int left = 2_000 - mailer.mailed.get();
			assertThat(left).as("receipts not mailed").isPositive();
			assertThat(output).contains("draining").contains("up to 500ms");
			assertThat(output).contains("SlowMailer.mail(Receipt): " + left);
		});
	}

	record Receipt(int number) {
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(SelectorWakeQueueAutoConfiguration.class)
	static class SlowApplication {

		@Bean
		SlowMailer slowMailer() {
			return new SlowMailer();
		}

	}

	static class SlowMailer {

		final AtomicInteger mailed = new AtomicInteger();

		@EventListener
		void mail(Receipt receipt) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // a slow SMTP server
			this.mailed.incrementAndGet();
		}

	}

}
