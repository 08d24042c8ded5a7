package io.github.selectorwakequeue.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Spring Boot auto-configures keeps being there with the starter: the queue is an {@code Executor}, and Boot's
 * task executor backs off when it finds one, so the starter's queue must come after it.
 */
class SelectorWakeQueueCoexistenceTests {

	@Test
	void springBootsApplicationTaskExecutorStaysTheAsyncExecutor() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SelectorWakeQueueAutoConfiguration.class,
					TaskExecutionAutoConfiguration.class))
			.run((context) -> assertThat(context).hasBean("applicationTaskExecutor")
				.getBean("applicationTaskExecutor")
				.isInstanceOf(ThreadPoolTaskExecutor.class));
	}

}
