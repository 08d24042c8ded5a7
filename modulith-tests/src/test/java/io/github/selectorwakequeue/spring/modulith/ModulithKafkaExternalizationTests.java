package io.github.selectorwakequeue.spring.modulith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import io.github.selectorwakequeue.spring.modulith.ModulithTestApplication.Commits;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.Advised;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.modulith.events.Externalized;
import org.springframework.modulith.events.support.DelegatingEventExternalizer;
import org.springframework.scheduling.annotation.AsyncAnnotationAdvisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@code @Externalized} events reach Kafka through Modulith's Kafka externalization with the starter composed in:
 * Modulith's externalizer is a module listener, so it now runs on the reactor in commit order, and the topic (one
 * partition) holds the events in commit order. The context closes right after the last commit: none is lost. The
 * broker is an in-JVM KRaft broker started by this test.
 */
class ModulithKafkaExternalizationTests {

	private static final String TOPIC = "shipments";

	private static final Duration BOUND = Duration.ofSeconds(120);

	private static final Pattern SEQUENCE = Pattern.compile("\"sequence\"\\s*:\\s*(\\d+)");

	private static EmbeddedKafkaKraftBroker broker;

	/** Externalized to the topic by Modulith; {@code sequence} is the commit order of its transaction. */
	@Externalized(TOPIC)
	record Shipped(long sequence) {
	}

	@BeforeAll
	static void startBroker() {
		broker = new EmbeddedKafkaKraftBroker(1, 1, TOPIC);
		broker.afterPropertiesSet();
	}

	@AfterAll
	static void stopBroker() {
		if (broker != null) {
			broker.destroy();
		}
	}

	@Test
	void externalizedEventsArriveInCommitOrderAndNoneIsLostWhenTheContextClosesRightAfterTheLastCommit() {
		int threads = 2;
		int commitsPerThread = 500;
		int total = threads * commitsPerThread;
		assertTimeoutPreemptively(BOUND, () -> {
			ConfigurableApplicationContext context = new SpringApplicationBuilder(ModulithTestApplication.class)
				.web(WebApplicationType.NONE)
				.run("--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
						"--spring.modulith.events.externalization.enabled=true");
			try {
				// Modulith's externalizer is a module listener: its @Async hand-off now goes to the queue.
				Advised externalizer = (Advised) context.getBean(DelegatingEventExternalizer.class);
				assertThat(externalizer.getAdvisors()).noneMatch(AsyncAnnotationAdvisor.class::isInstance);
				Commits commits = context.getBean(Commits.class);
				ExecutorService pool = Executors.newFixedThreadPool(threads);
				try {
					List<Future<?>> done = new ArrayList<>();
					for (int t = 0; t < threads; t++) {
						done.add(pool.submit(() -> {
							for (int i = 0; i < commitsPerThread; i++) {
								commits.commit(Shipped::new);
							}
						}));
					}
					for (Future<?> future : done) {
						future.get();
					}
				}
				finally {
					pool.shutdownNow();
				}
			}
			finally {
				context.close();
			}
			List<Long> received = consume(total);
			assertThat(received).as("commit order on the topic")
				.containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
		});
	}

	private static List<Long> consume(int expected) {
		Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
				ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
				"earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		List<Long> sequences = new ArrayList<>();
		try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
				new ByteArrayDeserializer())) {
			consumer.subscribe(List.of(TOPIC));
			long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
			// Reads until all expected records are in, then once more to catch any extra (duplicate) record.
			int emptyPollsAfterAll = 0;
			while (System.nanoTime() < deadline && emptyPollsAfterAll < 1) {
				var records = consumer.poll(Duration.ofMillis(500));
				for (ConsumerRecord<String, byte[]> record : records) {
					Matcher matcher = SEQUENCE.matcher(new String(record.value(), StandardCharsets.UTF_8));
					assertThat(matcher.find()).as("payload %s", new String(record.value(), StandardCharsets.UTF_8))
						.isTrue();
					sequences.add(Long.parseLong(matcher.group(1)));
				}
				if (records.isEmpty() && sequences.size() >= expected) {
					emptyPollsAfterAll++;
				}
			}
		}
		return sequences;
	}

}
