package io.github.selectorwakequeue;

import java.util.concurrent.atomic.LongAdder;

/**
 * Runs one task, or one part of a {@link FanOut}, and contains everything it throws: the failure is counted and
 * handed to the queue's {@link TaskErrorHandler}; a handler that throws in turn is logged. Timings of sampled tasks
 * go to {@link TaskTimings}. Shared by the reactor and by every thread that runs a task in its place
 * (caller-runs, a producer rescuing tasks after close), so failures are handled the same wherever a task runs.
 * Thread-safe; nothing here throws.
 */
final class TaskRunner {

	private static final System.Logger LOG = System.getLogger(SelectorWakeQueue.class.getName());

	private final String queueName;

	private final TaskErrorHandler errorHandler;

	private final TaskTimings taskTimings;

	private final LongAdder failed = new LongAdder();

	/**
	 * @param queueName for log messages
	 * @param errorHandler who hears about failures, or {@code null} to log them at ERROR
	 * @param taskTimings who receives sampled timings, or {@code null}
	 */
	TaskRunner(String queueName, TaskErrorHandler errorHandler, TaskTimings taskTimings) {
		this.queueName = queueName;
		this.errorHandler = (errorHandler != null) ? errorHandler : this::logFailure;
		this.taskTimings = taskTimings;
	}

	/** Reports the wait and run time of a sampled task to {@link TaskTimings}, if any. */
	void recordTiming(long waitNanos, long runNanos) {
		if (this.taskTimings == null) {
			return;
		}
		try {
			this.taskTimings.record(waitNanos, runNanos);
		}
		catch (Throwable ex) {
			LOG.log(System.Logger.Level.WARNING, "TaskTimings of queue '" + this.queueName + "' failed", ex);
		}
	}

	/**
	 * Runs one part of a fan-out, catching and reporting everything it throws (the task reported is that part,
	 * as a {@link LanePart}).
	 */
	void runPart(FanOut fanOut, int index) {
		try {
			fanOut.runPart(index);
		}
		catch (Throwable ex) {
			this.failed.increment();
			Runnable part = new LanePart(fanOut, index, 0);
			try {
				this.errorHandler.handle(part, ex);
			}
			catch (Throwable handlerFailure) {
				reportHandlerFailure(handlerFailure, ex);
			}
		}
	}

	/** Runs a task, catching and reporting everything it throws. */
	void runTask(Runnable task) {
		try {
			task.run();
		}
		catch (Throwable ex) {
			this.failed.increment();
			try {
				this.errorHandler.handle(task, ex);
			}
			catch (Throwable handlerFailure) {
				reportHandlerFailure(handlerFailure, ex);
			}
		}
	}

	/**
	 * The error handler threw: log that, with the task's failure attached unless the handler rethrew that very
	 * exception (a throwable cannot suppress itself). Nothing here may escape.
	 */
	private void reportHandlerFailure(Throwable handlerFailure, Throwable taskFailure) {
		try {
			if (handlerFailure != taskFailure) {
				handlerFailure.addSuppressed(taskFailure);
			}
			LOG.log(System.Logger.Level.ERROR, "Error handler of queue '" + this.queueName + "' failed",
					handlerFailure);
		}
		catch (Throwable ignored) {
			// a failing logger as well: the failure is counted, there is nobody left to tell
		}
	}

	long failed() {
		return this.failed.sum();
	}

	private void logFailure(Runnable task, Throwable error) {
		LOG.log(System.Logger.Level.ERROR, "Task " + task + " failed in queue '" + this.queueName + "'", error);
	}

}
