package io.github.selectorwakequeue.autoconfigure;

import java.io.IOException;
import java.util.Properties;

import io.github.selectorwakequeue.SelectorWakeQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;
import org.springframework.stereotype.Component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * An application that injects the queue while {@code selector-wake-queue.enabled=false} is told that this property,
 * set where it was set, turned the starter off, not only that a bean is missing.
 */
@ExtendWith(OutputCaptureExtension.class)
class QueueSwitchedOffFailureAnalyzerTests {

	@Test
	void injectingTheQueueWhileTheStarterIsSwitchedOffNamesThePropertyAndWhereItWasSet(CapturedOutput output) {
		assertThatException().isThrownBy(() -> start(QueueUserApplication.class, "--selector-wake-queue.enabled=false"));
		assertThat(output).contains("APPLICATION FAILED TO START",
				"requires a bean of type 'io.github.selectorwakequeue.SelectorWakeQueue', and there is none: "
						+ "selector-wake-queue.enabled=false (origin: \"selector-wake-queue.enabled\" from property source "
						+ "\"commandLineArgs\") turned the starter off",
				"Remove selector-wake-queue.enabled=false");
	}

	@Test
	void aMissingQueueForAnyOtherReasonIsLeftToSpringBoot(CapturedOutput output) {
		assertThatException().isThrownBy(() -> start(QueueUserWithoutTheStarter.class));
		assertThat(output).contains("APPLICATION FAILED TO START").doesNotContain("turned the starter off");
	}

	@Test
	void isRegisteredAsAFailureAnalyzer() throws IOException {
		Properties factories = PropertiesLoaderUtils.loadProperties(new ClassPathResource("META-INF/spring.factories"));
		assertThat(factories.getProperty(FailureAnalyzer.class.getName()).split(","))
			.contains(QueueSwitchedOffFailureAnalyzer.class.getName());
	}

	private static void start(Class<?> applicationClass, String... args) {
		SpringApplication application = new SpringApplication(applicationClass);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.run(args).close();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(SelectorWakeQueueAutoConfiguration.class)
	@Import(QueueUser.class)
	static class QueueUserApplication {

	}

	@Configuration(proxyBeanMethods = false)
	@Import(QueueUser.class)
	static class QueueUserWithoutTheStarter {

	}

	@Component
	static class QueueUser {

		QueueUser(SelectorWakeQueue queue) {
		}

	}

}
