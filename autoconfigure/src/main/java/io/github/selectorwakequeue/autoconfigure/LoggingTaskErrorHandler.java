package io.github.selectorwakequeue.autoconfigure;

import io.github.selectorwakequeue.TaskErrorHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a failed task at ERROR through SLF4J, with the task's description (for an event, its type and
 * number of listeners) and the queue's name. Never blocks beyond the logging backend.
 */
final class LoggingTaskErrorHandler implements TaskErrorHandler {

	private static final Logger logger = LoggerFactory.getLogger(LoggingTaskErrorHandler.class);

	private final String queueName;

	LoggingTaskErrorHandler(String queueName) {
		this.queueName = queueName;
	}

	@Override
	public void handle(Runnable task, Throwable error) {
		logger.error("Task '{}' failed in queue '{}'", task, this.queueName, error);
	}

}
