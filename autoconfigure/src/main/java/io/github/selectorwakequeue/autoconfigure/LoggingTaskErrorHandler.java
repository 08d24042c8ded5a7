package io.github.selectorwakequeue.autoconfigure;

import io.github.selectorwakequeue.TaskErrorHandler;
import io.github.selectorwakequeue.spring.event.ListenerFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a failed task at ERROR through SLF4J with the queue's name: a failing listener by its name and the event's
 * type ({@link ListenerFailedException}), any other task by its description. Never blocks beyond the logging
 * backend.
 */
final class LoggingTaskErrorHandler implements TaskErrorHandler {

	private static final Logger logger = LoggerFactory.getLogger(LoggingTaskErrorHandler.class);

	private final String queueName;

	LoggingTaskErrorHandler(String queueName) {
		this.queueName = queueName;
	}

	@Override
	public void handle(Runnable task, Throwable error) {
		if (error instanceof ListenerFailedException failure) {
			logger.error("{} in queue '{}'", failure.getMessage(), this.queueName, failure);
			return;
		}
		logger.error("Task '{}' failed in queue '{}'", task, this.queueName, error);
	}

}
