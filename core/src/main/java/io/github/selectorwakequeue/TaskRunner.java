package io.github.selectorwakequeue;

import java.util.concurrent.atomic.LongAdder;

/**
 * Runs one task, or one part of a {@link FanOut}, and contains everything it throws: the failure is counted and
 * handed to the queue's {@link TaskErrorHandler}; a handler that throws in turn is logged. It also asks a fan-out
 * for its parts and lanes, which are user code too, containing their failures the same way. Timings of sampled
 * tasks go to {@link TaskTimings}. Shared by the reactor, the lane workers and every thread that runs a task in
 * their place (caller-runs, a producer rescuing tasks after close), so failures are handled the same wherever a
 * task runs.
 *
 * <p>On the queue's own threads ({@link #runOwn}, {@link #runOwnPart}) every task starts with the thread's
 * interrupt flag clear, as {@code ThreadPoolExecutor} does, so that an interrupt one task leaves behind never
 * reaches the next; on a caller's thread ({@link #runTask}) the caller's flag is left alone.
 *
 * <p>Thread-safe. Nothing here throws: even an error while reporting an error (out of memory) is contained, and
 * then only the report is lost.
 */
final class TaskRunner {

	private final String queueName;

	private final TaskErrorHandler errorHandler;

	private final TaskTimings taskTimings;

	private final QueueLog log;

	private final LongAdder failed = new LongAdder();

	/**
	 * @param queueName for log messages
	 * @param errorHandler who hears about failures, or {@code null} to log them at ERROR
	 * @param taskTimings who receives sampled timings, or {@code null}
	 * @param log the queue's logger
	 */
	TaskRunner(String queueName, TaskErrorHandler errorHandler, TaskTimings taskTimings, QueueLog log) {
		this.queueName = queueName;
		this.errorHandler = (errorHandler != null) ? errorHandler : this::logFailure;
		this.taskTimings = taskTimings;
		this.log = log;
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
			this.log.log(System.Logger.Level.WARNING, "TaskTimings of queue '" + this.queueName + "' failed", ex);
		}
	}

	/** Runs a task on one of the queue's threads: with a clear interrupt flag, containing what it throws. */
	void runOwn(Runnable task) {
		Thread.interrupted();
		runTask(task);
	}

	/** Runs a part on one of the queue's threads: with a clear interrupt flag, containing what it throws. */
	void runOwnPart(FanOut fanOut, int index) {
		Thread.interrupted();
		runPart(fanOut, index);
	}

	/** Runs a task on the calling thread, leaving its interrupt flag alone, containing what it throws. */
	void runTask(Runnable task) {
		try {
			task.run();
		}
		catch (Throwable ex) {
			contain(task, ex);
		}
	}

	/**
	 * Runs one part of a fan-out, containing what it throws (the task reported is that part, as a
	 * {@link LanePart}).
	 */
	void runPart(FanOut fanOut, int index) {
		try {
			fanOut.runPart(index);
		}
		catch (Throwable ex) {
			containPart(fanOut, index, ex);
		}
	}

	/**
	 * How many parts a fan-out has, asked once per dispatch; a {@code parts()} that throws or answers less than
	 * zero is the fan-out's failure, reported as such.
	 * @return the number of parts, or {@code -1} if the fan-out failed to say
	 */
	int parts(FanOut fanOut) {
		try {
			int parts = fanOut.parts();
			if (parts >= 0) {
				return parts;
			}
			contain(fanOut, new IllegalStateException(fanOut.getClass().getName() + ".parts() returned " + parts));
		}
		catch (Throwable ex) {
			contain(fanOut, ex);
		}
		return -1;
	}

	/**
	 * The lane of a part; a {@code lane(index)} that throws or answers {@code null} is that part's failure,
	 * reported as such (the part cannot run: nothing says where).
	 * @return the lane, or {@code null} if the fan-out failed to say
	 */
	Lane lane(FanOut fanOut, int index) {
		try {
			Lane lane = fanOut.lane(index);
			if (lane != null) {
				return lane;
			}
			containPart(fanOut, index, new NullPointerException(
					fanOut.getClass().getName() + ".lane(" + index + ") returned null: the part has no lane to run in"));
		}
		catch (Throwable ex) {
			containPart(fanOut, index, ex);
		}
		return null;
	}

	private void containPart(FanOut fanOut, int index, Throwable ex) {
		Runnable part;
		try {
			part = new LanePart(fanOut, index, 0);
		}
		catch (Throwable outOfMemory) {
			part = fanOut;
		}
		contain(part, ex);
	}

	/** Counts a failure and reports it. Never throws. */
	private void contain(Runnable task, Throwable ex) {
		try {
			this.failed.increment();
			this.errorHandler.handle(task, ex);
		}
		catch (Throwable handlerFailure) {
			reportHandlerFailure(handlerFailure, ex);
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
		}
		catch (Throwable ignored) {
			// out of memory for the suppressed list: log the handler's failure alone
		}
		this.log.log(System.Logger.Level.ERROR, "Error handler of queue '" + this.queueName + "' failed",
				handlerFailure);
	}

	long failed() {
		return this.failed.sum();
	}

	private void logFailure(Runnable task, Throwable error) {
		this.log.log(System.Logger.Level.ERROR, "Task " + task + " failed in queue '" + this.queueName + "'", error);
	}

}
