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

	/**
	 * Names the lane the part is for (a listener's name, say) and its fan-out, as logs of a failing part show it.
	 * Never throws: a fan-out whose {@code lane} or {@code toString} fails shows as its class.
	 */
	@Override
	public String toString() {
		String lane;
		try {
			Lane target = this.fanOut.lane(this.index);
			lane = (target != null) ? "'" + target.name() + "'" : "null";
		}
		catch (Throwable ex) {
			lane = "unknown (" + ex.getClass().getSimpleName() + ")";
		}
		String of;
		try {
			of = String.valueOf(this.fanOut);
		}
		catch (Throwable ex) {
			of = this.fanOut.getClass().getName();
		}
		return "part " + this.index + " for lane " + lane + " of " + of;
	}

}
