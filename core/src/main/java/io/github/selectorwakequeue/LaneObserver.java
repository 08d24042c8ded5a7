package io.github.selectorwakequeue;

/**
 * Hears of the lanes of a {@link SelectorWakeQueue} as they come and go, to bind and unbind per-lane metrics, say.
 * Register one with {@link SelectorWakeQueue#observeLanes(LaneObserver)}. Calls come on whichever thread caused
 * them (see each method), must be quick and must not block; anything an observer throws is logged and ignored.
 */
@FunctionalInterface
public interface LaneObserver {

	/**
	 * A lane was created, or existed when this observer was registered. Called on the thread that asked for the
	 * lane ({@link SelectorWakeQueue#lane(String)}) or registered the observer.
	 * @param lane the new lane
	 */
	void created(Lane lane);

	/**
	 * A released lane ({@link Lane#release()}) has nothing left waiting or running and was forgotten: it is no
	 * longer in {@link SelectorWakeQueue#lanes()}. Called on the thread that released it, or on the thread that
	 * ran its last part. Default: nothing.
	 * @param lane the lane that is gone
	 */
	default void released(Lane lane) {
	}

}
