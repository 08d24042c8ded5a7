package io.github.selectorwakequeue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What the reactor's side of the lanes of one queue needs: their settings, the clock, the runner that contains
 * failures, the workers that run detached lanes, the queue state they obey, and the registry of lanes by name.
 * Thread-safe.
 */
final class LaneRuntime {

	/** Parts a worker runs from one lane before it lets other lanes have the thread. */
	static final int WORKER_BATCH = 64;

	final boolean enabled;

	final long slowThresholdNanos;

	final long stuckThresholdNanos;

	final int maxBacklog;

	final Clock clock;

	final TaskRunner runner;

	final QueueState state;

	final LaneWorkers workers;

	private final Map<String, Lane> lanes = new ConcurrentHashMap<>();

	private final List<Consumer<Lane>> observers = new CopyOnWriteArrayList<>();

	LaneRuntime(LaneSettings settings, Clock clock, TaskRunner runner, QueueState state, LaneWorkers workers) {
		this.enabled = settings.enabled();
		this.slowThresholdNanos = settings.slowThreshold().toNanos();
		this.stuckThresholdNanos = settings.stuckThreshold().toNanos();
		this.maxBacklog = settings.maxBacklog();
		this.clock = clock;
		this.runner = runner;
		this.state = state;
		this.workers = workers;
	}

	/** The lane of that name, created on first use; observers hear of a new lane on the creating thread. */
	Lane lane(String name) {
		Lane existing = this.lanes.get(name);
		if (existing != null) {
			return existing;
		}
		Lane created = new Lane(name, this.clock, this.slowThresholdNanos, this.stuckThresholdNanos);
		existing = this.lanes.putIfAbsent(name, created);
		if (existing != null) {
			return existing;
		}
		for (Consumer<Lane> observer : this.observers) {
			observer.accept(created);
		}
		return created;
	}

	List<Lane> lanes() {
		return new ArrayList<>(this.lanes.values());
	}

	/** Calls the observer for every lane now, and for every lane created later. */
	void observe(Consumer<Lane> observer) {
		this.observers.add(observer);
		for (Lane lane : this.lanes.values()) {
			observer.accept(lane);
		}
	}

	/** Whether no lane has parts waiting or running off the reactor. */
	boolean allIdle() {
		for (Lane lane : this.lanes.values()) {
			if (lane.depth.get() > 0 || lane.workerActive.get()) {
				return false;
			}
		}
		return true;
	}

	/** Period of the stuck-lane monitor: a quarter of the threshold, at least a millisecond. */
	long monitorPeriodNanos() {
		return Math.max(TimeUnit.MILLISECONDS.toNanos(1), this.stuckThresholdNanos / 4);
	}

	/**
	 * After close terminated the queue: waits out workers between their state check and their poll, then takes
	 * every part still waiting in a backlog, lane by lane, each lane's in order.
	 */
	List<Runnable> drainBacklogs() {
		List<Runnable> left = new ArrayList<>();
		for (Lane lane : this.lanes.values()) {
			while (lane.polling) {
				Thread.onSpinWait();
			}
			LanePart part;
			while ((part = lane.backlog.poll()) != null) {
				lane.depth.decrementAndGet();
				left.add(part);
			}
		}
		return left;
	}

}
