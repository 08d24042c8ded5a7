package io.github.selectorwakequeue;

/**
 * A task made of one part per {@link Lane}: an application event for each of its listeners, say. Submitted like any
 * task ({@link SelectorWakeQueue#offer}, {@link SelectorWakeQueue#execute}); when the reactor takes it from the
 * queue, it hands each part to its lane, in index order, and each lane runs its parts one at a time in the order
 * the queue accepted the fan-outs. A quick lane runs its part at once, inline on the reactor; a slow or stuck one
 * runs it later on a worker thread (see {@link Lane}).
 *
 * <p>Run any other way ({@link Runnable#run()}: by a caller because the queue was full, or by whoever receives it
 * back from {@link SelectorWakeQueue#close(java.time.Duration)}), it runs every part on the calling thread, in
 * index order, outside the lanes. Implementations must be immutable once submitted; {@link #runPart} is called on
 * whichever thread runs that part, exactly once per submission, unless the queue closed first (the part then comes
 * back from {@code close}).
 */
public interface FanOut extends Runnable {

	/**
	 * @return how many parts there are, at least 0
	 */
	int parts();

	/**
	 * @param index a part, from 0 to {@code parts() - 1}
	 * @return the lane that runs it; a lane of the queue the fan-out is submitted to
	 */
	Lane lane(int index);

	/**
	 * Runs one part. Anything it throws is counted as a failed task and reported to the queue's error handler;
	 * the other parts run regardless.
	 * @param index a part, from 0 to {@code parts() - 1}
	 */
	void runPart(int index);

	/** Runs every part on the calling thread, in order, each whatever the others throw; rethrows the first failure. */
	@Override
	default void run() {
		Throwable first = null;
		for (int i = 0; i < parts(); i++) {
			try {
				runPart(i);
			}
			catch (Throwable ex) {
				if (first == null) {
					first = ex;
				}
				else if (first != ex) {
					first.addSuppressed(ex);
				}
			}
		}
		if (first instanceof RuntimeException runtime) {
			throw runtime;
		}
		if (first instanceof Error error) {
			throw error;
		}
		if (first != null) {
			throw new IllegalStateException(first);
		}
	}

}
