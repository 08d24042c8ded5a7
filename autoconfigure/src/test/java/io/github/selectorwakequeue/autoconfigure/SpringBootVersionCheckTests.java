package io.github.selectorwakequeue.autoconfigure;

import java.util.List;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SpringBootVersionCheck} logs exactly one WARN line, without a stack trace, for a Spring Boot version
 * outside {@code [4.0, 4.2)}, nothing for a supported one, and never stops the context from starting.
 */
@ExtendWith(OutputCaptureExtension.class)
class SpringBootVersionCheckTests {

	private static final String WARNING = "selector-wake-queue supports Spring Boot 4.0 and 4.1";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SelectorWakeQueueAutoConfiguration.class));

	@ParameterizedTest
	@ValueSource(strings = { "3.5.7", "4.2.0", "4.2.0-M1", "5.0.0", "3.9.9" })
	void unsupportedVersionLogsOneWarningLineAndStartsAnyway(String version, CapturedOutput output) {
		this.runner.withInitializer(new SpringBootVersionCheck(() -> version)).run((context) -> {
			assertThat(context).hasNotFailed();
			List<String> warnings = linesWith(output, WARNING);
			assertThat(warnings).hasSize(1);
			assertThat(warnings.get(0)).contains("WARN")
				.contains("runs Spring Boot " + version + ",")
				.contains("Use Spring Boot 4.0.x or 4.1.x.");
			assertThat(output.toString()).doesNotContain("\tat ").doesNotContain("Exception");
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "4.0.0", "4.0.7", "4.1.2", "4.1.0-SNAPSHOT", "4.1.99" })
	void supportedVersionLogsNothing(String version, CapturedOutput output) {
		this.runner.withInitializer(new SpringBootVersionCheck(() -> version)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(linesWith(output, WARNING)).isEmpty();
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "unknown", "four.one" })
	void unreadableVersionIsNotGuessedAt(String version, CapturedOutput output) {
		this.runner.withInitializer(new SpringBootVersionCheck(() -> version)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(linesWith(output, WARNING)).isEmpty();
		});
	}

	@Test
	void missingVersionIsNotGuessedAt(CapturedOutput output) {
		Supplier<@Nullable String> none = () -> null;
		this.runner.withInitializer(new SpringBootVersionCheck(none)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(linesWith(output, WARNING)).isEmpty();
		});
	}

	@Test
	void theBootVersionThisBuildRunsOnIsSupported(CapturedOutput output) {
		// 4.0.x in the default build, 4.1.x under -Pboot-4.1: both must pass the real check.
		assertThat(SpringBootVersion.getVersion()).matches("4\\.[01]\\..*");
		this.runner.withInitializer(new SpringBootVersionCheck()).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(linesWith(output, WARNING)).isEmpty();
		});
	}

	@Test
	void everySpringApplicationRunsTheCheck() {
		SpringApplication application = new SpringApplication(Object.class);
		assertThat(application.getInitializers()).hasAtLeastOneElementOfType(SpringBootVersionCheck.class);
	}

	private static List<String> linesWith(CapturedOutput output, String text) {
		return output.toString().lines().filter((line) -> line.contains(text)).toList();
	}

}
