package io.github.selectorwakequeue.benchmarks;

import org.springframework.context.event.SimpleApplicationEventMulticaster;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * The alternative the Spring-level benchmarks compare us with, wired the same way in each: Spring's
 * {@link SimpleApplicationEventMulticaster} with an injected {@link ThreadPoolTaskExecutor} (the executor is not
 * looked up per event, the fastest way to wire Spring's multicaster).
 */
final class SpringPoolMulticaster {

	private SpringPoolMulticaster() {
	}

	/** A fixed pool of {@code threads} threads; Spring initialises it as a bean. */
	static ThreadPoolTaskExecutor executor(int threads, String threadNamePrefix) {
		ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
		executor.setCorePoolSize(threads);
		executor.setMaxPoolSize(threads);
		executor.setThreadNamePrefix(threadNamePrefix);
		return executor;
	}

	static SimpleApplicationEventMulticaster on(ThreadPoolTaskExecutor executor) {
		SimpleApplicationEventMulticaster multicaster = new SimpleApplicationEventMulticaster();
		multicaster.setTaskExecutor(executor);
		return multicaster;
	}

}
