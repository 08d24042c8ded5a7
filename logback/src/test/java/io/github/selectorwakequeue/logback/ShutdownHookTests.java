package io.github.selectorwakequeue.logback;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A JVM that logs 50,000 events to a file appender behind our appender and leaves with {@code System.exit(0)}
 * right after the last call: Logback's {@code <shutdownHook/>} ({@code DefaultShutdownHook}) stops the context,
 * our {@code stop()} flushes the queue, and the file holds every event, in order.
 */
class ShutdownHookTests {

	private static final int EVENTS = 50_000;

	@Test
	void aJvmThatExitsRightAfterLoggingLosesNoEvent(@TempDir Path dir) {
		assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
			Path log = dir.resolve("child.log");
			Path config = dir.resolve("logback.xml");
			Files.writeString(config, """
					<configuration>
					  <shutdownHook/>
					  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
					    <file>%s</file>
					    <encoder><pattern>%%msg%%n</pattern></encoder>
					  </appender>
					  <appender name="ASYNC" class="io.github.selectorwakequeue.logback.SelectorWakeQueueAppender">
					    <queueSize>65536</queueSize>
					    <discardingThreshold>0</discardingThreshold>
					    <maxFlushTime>60 seconds</maxFlushTime>
					    <appender-ref ref="FILE"/>
					  </appender>
					  <root level="INFO"><appender-ref ref="ASYNC"/></root>
					</configuration>
					""".formatted(log.toAbsolutePath()));
			Path output = dir.resolve("child.out");
			Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
					"-cp", System.getProperty("java.class.path"), "-Dlogback.configurationFile=" + config.toAbsolutePath(),
					ShutdownHookChild.class.getName(), String.valueOf(EVENTS))
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

			List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
			assertThat(lines).as("lines in the file").hasSize(EVENTS);
			for (int i = 0; i < EVENTS; i++) {
				assertThat(lines.get(i)).isEqualTo("event " + i);
			}
		});
	}

	private static String read(Path file) {
		try {
			File f = file.toFile();
			return f.exists() ? Files.readString(file) : "(none)";
		}
		catch (java.io.IOException ex) {
			return "(unreadable: " + ex + ")";
		}
	}

}
