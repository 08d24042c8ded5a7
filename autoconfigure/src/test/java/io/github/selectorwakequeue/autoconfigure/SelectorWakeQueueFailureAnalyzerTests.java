package io.github.selectorwakequeue.autoconfigure;

import java.io.IOException;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Each invalid {@code selector-wake-queue.*} property stops start-up, and {@link SelectorWakeQueueFailureAnalyzer}
 * names the property, the bad value and what is allowed.
 */
@ExtendWith(OutputCaptureExtension.class)
class SelectorWakeQueueFailureAnalyzerTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SelectorWakeQueueAutoConfiguration.class));

	@Test
	void zeroCapacity() {
		assertThat(describeFailure("selector-wake-queue.capacity=0")).contains(
				"Property 'selector-wake-queue.capacity' has the invalid value '0'",
				"allowed: a whole number between 1 and 1073741824");
	}

	@Test
	void negativeCapacity() {
		assertThat(describeFailure("selector-wake-queue.capacity=-5")).contains(
				"Property 'selector-wake-queue.capacity' has the invalid value '-5'",
				"allowed: a whole number between 1 and 1073741824");
	}

	@Test
	void capacityAboveTheMaximum() {
		assertThat(describeFailure("selector-wake-queue.capacity=1073741825")).contains(
				"Property 'selector-wake-queue.capacity' has the invalid value '1073741825'",
				"allowed: a whole number between 1 and 1073741824");
	}

	@Test
	void capacityThatIsNotANumber() {
		assertThat(describeFailure("selector-wake-queue.capacity=lots")).contains(
				"Property 'selector-wake-queue.capacity' has the invalid value 'lots'",
				"allowed: a whole number between 1 and 1073741824");
	}

	@Test
	void unknownOverflowPolicy() {
		assertThat(describeFailure("selector-wake-queue.overflow-policy=block")).contains(
				"Property 'selector-wake-queue.overflow-policy' has the invalid value 'block'",
				"allowed: one of 'reject', 'caller-runs', 'discard'");
	}

	@Test
	void negativeShutdownTimeout() {
		assertThat(describeFailure("selector-wake-queue.shutdown-timeout=-1s")).contains(
				"Property 'selector-wake-queue.shutdown-timeout' has the invalid value '-1s'",
				"allowed: a duration of zero or more");
	}

	@Test
	void blankName() {
		assertThat(describeFailure("selector-wake-queue.name=  ")).contains(
				"Property 'selector-wake-queue.name' has the invalid value",
				"allowed: a non-blank text");
	}

	@Test
	void timingSampleEveryBelowOne() {
		assertThat(describeFailure("selector-wake-queue.metrics.timing-sample-every=0")).contains(
				"Property 'selector-wake-queue.metrics.timing-sample-every' has the invalid value '0'",
				"allowed: a whole number of at least 1");
	}

	@Test
	void zeroStallThreshold() {
		assertThat(describeFailure("selector-wake-queue.health.stall-threshold=0s")).contains(
				"Property 'selector-wake-queue.health.stall-threshold' has the invalid value '0s'",
				"allowed: a positive duration");
	}

	@Test
	void enabledThatIsNotABooleanStopsStartUpInsteadOfSwitchingTheStarterOff() {
		assertThat(describeFailure("selector-wake-queue.enabled=maybe")).contains(
				"Property 'selector-wake-queue.enabled' has the invalid value 'maybe'", "allowed: true or false");
	}

	@Test
	void observationsEnabledThatIsNotABoolean() {
		assertThat(describeFailure("selector-wake-queue.events.observations.enabled=maybe")).contains(
				"Property 'selector-wake-queue.events.observations.enabled' has the invalid value 'maybe'",
				"allowed: true or false");
	}

	@Test
	void everyInvalidPropertyIsListed() {
		assertThat(describeFailure("selector-wake-queue.capacity=0", "selector-wake-queue.shutdown-timeout=-2s"))
			.contains("'selector-wake-queue.capacity'", "'selector-wake-queue.shutdown-timeout'");
	}

	@Test
	void everyInvalidPropertyIsListedConversionErrorsIncluded() {
		assertThat(describeFailure("selector-wake-queue.overflow-policy=bogus", "selector-wake-queue.shutdown-timeout=abc",
				"selector-wake-queue.capacity=0", "selector-wake-queue.lanes.workers=many"))
			.contains("Property 'selector-wake-queue.capacity' has the invalid value '0'",
					"Property 'selector-wake-queue.overflow-policy' has the invalid value 'bogus'",
					"Property 'selector-wake-queue.shutdown-timeout' has the invalid value 'abc'",
					"Property 'selector-wake-queue.lanes.workers' has the invalid value 'many'");
	}

	@Test
	void enabledThatIsNotABooleanIsListedWithTheOtherInvalidProperties() {
		assertThat(describeFailure("selector-wake-queue.enabled=maybe", "selector-wake-queue.capacity=0"))
			.contains("Property 'selector-wake-queue.enabled' has the invalid value 'maybe'",
					"Property 'selector-wake-queue.capacity' has the invalid value '0'");
	}

	@Test
	void eachInvalidPropertyNamesWhereItWasSetConversionErrorsToo(CapturedOutput output) {
		SpringApplication application = new SpringApplication(MinimalApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run("--selector-wake-queue.capacity=0",
				"--selector-wake-queue.overflow-policy=bogus"));
		assertThat(output).contains(
				"Property 'selector-wake-queue.capacity' has the invalid value '0' (origin: \"selector-wake-queue.capacity\" "
						+ "from property source \"commandLineArgs\")",
				"Property 'selector-wake-queue.overflow-policy' has the invalid value 'bogus' (origin: "
						+ "\"selector-wake-queue.overflow-policy\" from property source \"commandLineArgs\")");
	}

	@Test
	void otherBindingFailuresAreLeftToSpringBoot() {
		this.runner.withPropertyValues("selector-wake-queue.capacity=0").run((context) -> {
			assertThat(context).hasFailed();
		});
		FailureAnalysis analysis = new SelectorWakeQueueFailureAnalyzer()
			.analyze(new IllegalStateException("unrelated"));
		assertThat(analysis).isNull();
	}

	@Test
	void isRegisteredAsAFailureAnalyzer() throws IOException {
		Properties factories = PropertiesLoaderUtils.loadProperties(new ClassPathResource("META-INF/spring.factories"));
		assertThat(factories.getProperty(FailureAnalyzer.class.getName()).split(","))
			.contains(SelectorWakeQueueFailureAnalyzer.class.getName());
	}

	@Test
	void startUpReportsTheAnalysisInsteadOfAStackTrace(CapturedOutput output) {
		SpringApplication application = new SpringApplication(MinimalApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run("--selector-wake-queue.capacity=0"));
		assertThat(output).contains("APPLICATION FAILED TO START",
				"Property 'selector-wake-queue.capacity' has the invalid value '0'",
				"allowed: a whole number between 1 and 1073741824");
	}

	private String describeFailure(String... properties) {
		String[] description = new String[1];
		this.runner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new SelectorWakeQueueFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			description[0] = analysis.getDescription();
		});
		return description[0];
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(SelectorWakeQueueAutoConfiguration.class)
	static class MinimalApplication {

	}

}
