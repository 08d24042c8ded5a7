package io.github.selectorwakequeue;

import java.util.concurrent.atomic.LongAdder;

/**
 * Runs one task and contains everything it throws: the failure is counted and handed to the queue's
 * {@link TaskErrorHandler}; a handler that throws in turn is logged. Samples chosen for timing are timed and
 * reported to {@link TaskTimings}. Shared by the reactor and by every thread that runs a task in its place
 * (caller-runs, a producer rescuing tasks after close), so failures are handled the same wherever a task runs.
 * Thread-safe; {@link #run(Object)} and {@link #runTask(Runnable)} never throw.
 */
final class TaskRunner {

	private static final System.Logger LOG = System.getLogger(SelectorWakeQueue.class.getName());

	private final String queueName;

	private final TaskErrorHandler errorHandler;

	private final TaskTimings taskTimings;

	private final Clock clock;

	private final LongAdder failed = new LongAdder();

	/**
	 * @param queueName for log messages
	 * @param errorHandler who hears about failures, or {@code null} to log them at ERROR
	 * @param taskTimings who receives sampled timings, or {@code null}
	 * @param clock the queue's clock
	 */
	TaskRunner(String queueName, TaskErrorHandler errorHandler, TaskTimings taskTimings, Clock clock) {
		this.queueName = queueName;
		this.errorHandler = (errorHandler != null) ? errorHandler : this::logFailure;
		this.taskTimings = taskTimings;
		this.clock = clock;
	}

	/** Runs a ring element: a task, or a task sampled for timing. */
	void run(Object element) {
		if (this.taskTimings != null && element instanceof SampledTask sampled) {
			long start = this.clock.nanoTime();
			runTask(sampled.task());
			long end = this.clock.nanoTime();
			try {
				this.taskTimings.record(start - sampled.enqueuedAtNanos(), end - start);
			}
			catch (Throwable ex) {
				LOG.log(System.Logger.Level.WARNING, "TaskTimings of queue '" + this.queueName + "' failed", ex);
			}
		}
		else {
			runTask(SampledTask.unwrap(element));
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
				handlerFailure.addSuppressed(ex);
				LOG.log(System.Logger.Level.ERROR, "Error handler of queue '" + this.queueName + "' failed",
						handlerFailure);
			}
		}
	}

	long failed() {
		return this.failed.sum();
	}

	private void logFailure(Runnable task, Throwable error) {
		LOG.log(System.Logger.Level.ERROR, "Task " + task + " failed in queue '" + this.queueName + "'", error);
	}

}
