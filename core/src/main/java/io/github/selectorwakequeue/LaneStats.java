package io.github.selectorwakequeue;

import java.time.Duration;

/**
 * A snapshot of a {@link Lane}, taken by {@link Lane#stats()}. Fields are read one by one, without a lock.
 *
 * @param name the lane's name
 * @param mode where its parts run now
 * @param depth parts waiting in its backlog (only while it is off the reactor; fan-outs kept in order behind a full
 *        queue count in {@link Stats#size()} until the reactor dispatches them)
 * @param delivered parts it has run
 * @param lag how long the oldest waiting part has waited; zero when none waits
 * @param runningFor how long the part running off the reactor has been running; zero when none is (a part running
 *        inline on the reactor shows in {@link Stats#currentTaskRunningFor()})
 * @param runningThread the thread running a part off the reactor, or {@code null}
 * @param cost the smoothed cost of one part, as last measured
 */
public record LaneStats(String name, Lane.Mode mode, int depth, long delivered, Duration lag, Duration runningFor,
		Thread runningThread, Duration cost) {
}
