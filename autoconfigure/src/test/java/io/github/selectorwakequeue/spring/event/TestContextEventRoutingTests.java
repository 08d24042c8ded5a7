package io.github.selectorwakequeue.spring.event;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.event.annotation.AfterTestExecution;
import org.springframework.test.context.event.annotation.BeforeTestExecution;
import org.springframework.test.context.event.annotation.BeforeTestMethod;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring's test-step events ({@code @BeforeTestMethod}, {@code @BeforeTestExecution}, ...) stay on the test thread:
 * a listener of one prepares or checks the test it belongs to, before the step goes on, as without the starter.
 */
@SpringBootTest(classes = { EventsTestApplication.class, TestContextEventRoutingTests.StepListenerConfiguration.class },
		properties = "selector-wake-queue.capacity=262144")
class TestContextEventRoutingTests {

	@Autowired
	StepListener steps;

	@Test
	void aTestStepListenerRunsOnTheTestThreadBeforeTheStepGoesOn() {
		String testThread = Thread.currentThread().getName();
		assertThat(this.steps.seen).containsExactly("beforeTestMethod on " + testThread,
				"beforeTestExecution on " + testThread);
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class StepListenerConfiguration {

		@Bean
		StepListener stepListener() {
			return new StepListener();
		}

	}

	static class StepListener {

		final List<String> seen = new CopyOnWriteArrayList<>();

		@BeforeTestMethod
		void beforeTestMethod() {
			this.seen.add("beforeTestMethod on " + Thread.currentThread().getName());
		}

		@BeforeTestExecution
		void beforeTestExecution() {
			this.seen.add("beforeTestExecution on " + Thread.currentThread().getName());
		}

		@AfterTestExecution
		void afterTestExecution() {
			this.seen.clear();
		}

	}

}
