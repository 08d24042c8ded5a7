package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.Objects;

/**
 * How a queue's {@link Lane}s behave. Immutable; checked by the builder.
 *
 * @param enabled whether lanes may leave the reactor; {@code false} runs every part inline on the reactor, one at a
 * time, in order (strict single-thread delivery)
 * @param slowThreshold a lane whose smoothed cost per part exceeds this moves to a worker
 * @param stuckThreshold a part running on the reactor for longer than this is left on its thread and a new reactor
 * thread carries on
 * @param workers most worker threads running detached lanes at once
 * @param maxBacklog most parts waiting in one lane's backlog before the lane holds the reactor back
 */
record LaneSettings(boolean enabled, Duration slowThreshold, Duration stuckThreshold, int workers, int maxBacklog) {

	static final LaneSettings DEFAULTS = new LaneSettings(true, Duration.ofMillis(1).dividedBy(4),
			Duration.ofMillis(100), 16, 10_000);

	LaneSettings {
		Objects.requireNonNull(slowThreshold, "slowThreshold");
		Objects.requireNonNull(stuckThreshold, "stuckThreshold");
	}

}
