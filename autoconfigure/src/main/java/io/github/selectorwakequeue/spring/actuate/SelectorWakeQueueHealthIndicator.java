package io.github.selectorwakequeue.spring.actuate;

import java.time.Duration;
import java.util.Objects;

import io.github.selectorwakequeue.SelectorWakeQueue;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * {@link HealthIndicator} for a {@link SelectorWakeQueue}, registered as the {@code selectorWakeQueue}
 * component.
 * <ul>
 * <li>{@code UP} while the reactor runs and no task has run longer than the stall threshold;</li>
 * <li>{@code DOWN} when the reactor thread is not running, or when a task has run longer than the stall
 * threshold (everything queued behind it waits), with {@code stalledFor}, the reactor thread's name,
 * state and top 10 stack frames; or when one call of a listener has (only its lane waits), with
 * {@code stalledListener}, {@code stalledFor}, {@code stalledThread} (the listener's thread: name, state and top
 * 10 frames) and {@code reactorThread} (the reactor going on without it);</li>
 * <li>{@code OUT_OF_SERVICE} once the queue is closed;</li>
 * <li>{@code UNKNOWN} before the queue has been started.</li>
 * </ul>
 * Details always hold {@code size}, {@code capacity}, {@code utilization} (percent), {@code oldestTaskAge}
 * and {@code reactorRestarts}; never anything of a task or event.
 *
 * <p>A stall is seen from the second health check that finds the reactor in the same task (see
 * {@link io.github.selectorwakequeue.Stats#currentTaskRunningFor()}): with checks every few seconds it
 * shows at most one check interval late. Lock-free and thread-safe; it never waits for the reactor.
 */
public class SelectorWakeQueueHealthIndicator extends AbstractHealthIndicator {

	private final SelectorWakeQueue queue;

	private final Duration stallThreshold;

	/**
	 * Creates an indicator.
	 * @param queue the queue to check
	 * @param stallThreshold how long one task may run before the reactor counts as stalled; positive
	 */
	public SelectorWakeQueueHealthIndicator(SelectorWakeQueue queue, Duration stallThreshold) {
		super("SelectorWakeQueue health check failed");
		this.queue = Objects.requireNonNull(queue, "queue");
		this.stallThreshold = Objects.requireNonNull(stallThreshold, "stallThreshold");
		if (stallThreshold.isNegative() || stallThreshold.isZero()) {
			throw new IllegalArgumentException("stallThreshold must be positive, was " + stallThreshold);
		}
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		SelectorWakeQueueDiagnosis diagnosis = SelectorWakeQueueDiagnosis.diagnose(this.queue, this.stallThreshold);
		builder.status(status(diagnosis.condition())).withDetails(diagnosis.healthDetails());
	}

	private static Status status(SelectorWakeQueueDiagnosis.Condition condition) {
		return switch (condition) {
			case UP -> Status.UP;
			case DOWN -> Status.DOWN;
			case OUT_OF_SERVICE -> Status.OUT_OF_SERVICE;
			case UNKNOWN -> Status.UNKNOWN;
		};
	}

}
