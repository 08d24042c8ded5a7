package io.github.selectorwakequeue;

/**
 * A task chosen for timing, carrying its enqueue time to the reactor. Only 1 in N tasks is wrapped
 * (see {@link SelectorWakeQueue.Builder#taskTimings(TaskTimings, int)}); the others travel bare.
 */
record SampledTask(Runnable task, long enqueuedAtNanos) {

	static Runnable unwrap(Object element) {
		return (element instanceof SampledTask sampled) ? sampled.task() : (Runnable) element;
	}

}
