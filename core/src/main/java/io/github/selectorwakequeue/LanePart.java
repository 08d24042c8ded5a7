package io.github.selectorwakequeue;

/**
 * One part of a {@link FanOut}, on its way to its lane, or returned by
 * {@link SelectorWakeQueue#close(java.time.Duration)} because it did not run: running it runs that part on the
 * calling thread. Immutable.
 *
 * @param fanOut the fan-out
 * @param index which of its parts
 * @param enqueuedAtNanos when it was put in its lane's backlog, on the queue's clock
 */
public record LanePart(FanOut fanOut, int index, long enqueuedAtNanos) implements Runnable {

	@Override
	public void run() {
		this.fanOut.runPart(this.index);
	}

}
