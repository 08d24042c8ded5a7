package io.github.selectorwakequeue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * What the reactor's side of the lanes of one queue needs: their settings, the clock, the runner that contains
 * failures, the workers that run detached lanes, the queue state they obey, and the registry of lanes by name.
 * Thread-safe.
 */
final class LaneRuntime {

	private static final System.Logger LOG = System.getLogger(SelectorWakeQueue.class.getName());

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

	private final List<LaneObserver> observers = new CopyOnWriteArrayList<>();

	private final String queueName;

	LaneRuntime(String queueName, LaneSettings settings, Clock clock, TaskRunner runner, QueueState state,
			LaneWorkers workers) {
		this.queueName = queueName;
		this.enabled = settings.enabled();
		this.slowThresholdNanos = settings.slowThreshold().toNanos();
		this.stuckThresholdNanos = settings.stuckThreshold().toNanos();
		this.maxBacklog = settings.maxBacklog();
		this.clock = clock;
		this.runner = runner;
		this.state = state;
		this.workers = workers;
	}

	/**
	 * The lane of that name, created on first use; observers hear of a new lane on the creating thread. A lane that
	 * was released but not yet forgotten is kept (its release is taken back).
	 */
	Lane lane(String name) {
		Lane existing = this.lanes.get(name);
		if (existing != null && !existing.released) {
			return existing;
		}
		Lane[] created = new Lane[1];
		Lane lane = this.lanes.compute(name, (key, current) -> {
			if (current != null) {
				current.released = false;
				return current;
			}
			created[0] = new Lane(name, this, this.clock, this.slowThresholdNanos, this.stuckThresholdNanos);
			return created[0];
		});
		if (created[0] != null) {
			for (LaneObserver observer : this.observers) {
				tell(observer, created[0], true);
			}
		}
		return lane;
	}

	List<Lane> lanes() {
		return new ArrayList<>(this.lanes.values());
	}

	/** Calls the observer for every lane now, and for every lane created or forgotten later. */
	void observe(LaneObserver observer) {
		this.observers.add(observer);
		for (Lane lane : this.lanes.values()) {
			tell(observer, lane, true);
		}
	}

	/**
	 * Forgets a released lane if it is idle, and tells the observers, on the calling thread. Called by
	 * {@link Lane#release()} and by whoever runs a released lane's last part; only one of them forgets it.
	 */
	void forgetIfReleased(Lane lane) {
		if (!lane.released || !lane.isIdle()) {
			return;
		}
		boolean[] forgotten = new boolean[1];
		this.lanes.computeIfPresent(lane.name(), (key, current) -> {
			if (current == lane && lane.released && lane.isIdle()) {
				forgotten[0] = true;
				return null;
			}
			return current;
		});
		if (forgotten[0]) {
			for (LaneObserver observer : this.observers) {
				tell(observer, lane, false);
			}
		}
	}

	/** Calls an observer; what it throws is logged, and neither stops the others nor reaches the caller. */
	private void tell(LaneObserver observer, Lane lane, boolean created) {
		try {
			if (created) {
				observer.created(lane);
			}
			else {
				observer.released(lane);
			}
		}
		catch (Throwable ex) {
			try {
				LOG.log(System.Logger.Level.WARNING, "A lane observer of queue '" + this.queueName + "' failed on "
						+ lane, ex);
			}
			catch (Throwable ignored) {
				// a failing logger too: the lane itself is fine
			}
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
