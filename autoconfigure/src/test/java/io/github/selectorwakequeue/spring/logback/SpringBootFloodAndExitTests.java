package io.github.selectorwakequeue.spring.logback;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A Spring Boot application logging through a {@code SelectorWakeQueueAppender} configured from
 * {@code logback-spring.xml} ({@link FloodAndExitApplication}, in a JVM of its own): eight threads flood a queue of
 * 64, an attached appender logs (also while the queue is flushed at stop), the application leaves with
 * {@code System.exit(0)} while the threads go on logging, and a shutdown hook of its own logs while Boot's logging
 * shutdown stops Logback. Every event that reached the appender was appended or counted as dropped, and the drop
 * summary lines, the last one at stop included, are at least a second apart.
 */
class SpringBootFloodAndExitTests {

	@Test
	void everyEventIsAppendedOrCountedAndSummaryLinesAreASecondApart(@TempDir Path dir) {
		assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
			Path config = dir.resolve("logback-spring.xml");
			Files.writeString(config, """
					<configuration>
					  <appender name="TAP" class="%1$s$Tap"/>
					  <appender name="RECORDER" class="%1$s$Recorder"/>
					  <appender name="CHATTY" class="%1$s$Chatty"/>
					  <appender name="ASYNC" class="io.github.selectorwakequeue.logback.SelectorWakeQueueAppender">
					    <queueSize>64</queueSize>
					    <maxFlushTime>3 seconds</maxFlushTime>
					    <appender-ref ref="RECORDER"/>
					    <appender-ref ref="CHATTY"/>
					  </appender>
					  <root level="INFO">
					    <appender-ref ref="TAP"/>
					    <appender-ref ref="ASYNC"/>
					  </root>
					</configuration>
					""".formatted(FloodAndExitApplication.class.getName()));
			Path results = dir.resolve("results.properties");
			Path output = dir.resolve("child.out");
			Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
					"-cp", System.getProperty("java.class.path"), FloodAndExitApplication.class.getName(),
					results.toString(), config.toString())
				.redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.start();
			try {
				assertThat(child.waitFor(80, TimeUnit.SECONDS)).as("child exited; output:%n%s", read(output)).isTrue();
			}
			finally {
				child.destroyForcibly();
			}
			assertThat(child.exitValue()).as("exit code; output:%n%s", read(output)).isZero();

			Properties counted = new Properties();
			try (InputStream in = Files.newInputStream(results)) {
				counted.load(in);
			}
			long reached = number(counted, "reached");
			assertThat(number(counted, "dropped")).as("the queue of 64 was flooded").isPositive();
			assertThat(number(counted, "appended") + number(counted, "dropped"))
				.as("appended + dropped, of the events that reached the appender; %s", counted)
				.isEqualTo(reached);
			assertThat(number(counted, "reachedDuringExit")).as("events logged during System.exit").isPositive();
			assertThat(number(counted, "reachedFromHook")).as("events of the shutdown hook").isPositive();
			assertThat(number(counted, "appendedWhileStopping")).as("events the attached appender logged during the flush")
				.isPositive();
			List<Long> summaries = Arrays.stream(counted.getProperty("summaryTimestamps").split(","))
				.map(Long::valueOf)
				.toList();
			assertThat(summaries).as("drop summary lines").hasSizeGreaterThanOrEqualTo(3);
			for (int i = 1; i < summaries.size(); i++) {
				assertThat(summaries.get(i) - summaries.get(i - 1)).as("ms between summary lines %s", summaries)
					.isGreaterThanOrEqualTo(1_000);
			}
		});
	}

	private static long number(Properties properties, String key) {
		return Long.parseLong(properties.getProperty(key));
	}

	private static String read(Path file) {
		try {
			return Files.exists(file) ? Files.readString(file) : "(none)";
		}
		catch (IOException ex) {
			return "(unreadable: " + ex + ")";
		}
	}

}
