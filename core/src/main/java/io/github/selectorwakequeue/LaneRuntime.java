package io.github.selectorwakequeue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * What the lanes of one queue share: their settings and the thresholds derived from them, the clock, the runner
 * that contains failures, the workers that run detached lanes, the queue state they obey, the queue's logger, and
 * the registry of lanes by name. Thread-safe.
 */
final class LaneRuntime {

	/** Parts a worker runs from one lane before it lets a lane waiting for a worker have the thread. */
	static final int WORKER_BATCH = 64;

	/** Parts of a lane judged against the stuck threshold itself: its first calls load classes, warm up. */
	static final int WARM_UP_PARTS = 16;

	/** How far past its usual cost a warmed-up lane's inline part may run before it is handed off. */
	static final int STUCK_FACTOR = 32;

	/** Quick parts (timed below the slow threshold) after which one recent hand-off of a lane is forgotten. */
	static final int HAND_OFF_DECAY_PARTS = 64;

	final boolean enabled;

	final long slowThresholdNanos;

	/** The most any part may hold the reactor: the configured stuck threshold. */
	final long stuckThresholdNanos;

	/** The least a warmed-up quick lane's part may hold the reactor before it is handed off. */
	final long stuckFloorNanos;

	final int maxBacklog;

	final Clock clock;

	final TaskRunner runner;

	final QueueState state;

	final LaneWorkers workers;

	final QueueLog log;

	private final Map<String, Lane> lanes = new ConcurrentHashMap<>();

	private final List<LaneObserver> observers = new CopyOnWriteArrayList<>();

	private final String queueName;

	LaneRuntime(String queueName, LaneSettings settings, Clock clock, TaskRunner runner, QueueState state,
			LaneWorkers workers, QueueLog log) {
		this.queueName = queueName;
		this.enabled = settings.enabled();
		this.slowThresholdNanos = settings.slowThreshold().toNanos();
		this.stuckThresholdNanos = settings.stuckThreshold().toNanos();
		this.stuckFloorNanos = stuckFloor(this.stuckThresholdNanos);
		this.maxBacklog = settings.maxBacklog();
		this.clock = clock;
		this.runner = runner;
		this.state = state;
		this.workers = workers;
		this.log = log;
	}

	/** A fortieth of the stuck threshold, at least 1 ms (and never more than the threshold itself). */
	static long stuckFloor(long stuckThresholdNanos) {
		return Math.min(stuckThresholdNanos, Math.max(TimeUnit.MILLISECONDS.toNanos(1), stuckThresholdNanos / 40));
	}

	/**
	 * How long a part of this lane may run inline before it is handed off. The stuck threshold while the lane warms
	 * up (its first {@link #WARM_UP_PARTS} parts, wherever they ran, load classes, compile, open connections) and whenever the
	 * reactor thread is runnable: it may be computing, in native I/O, or merely waiting for a CPU on a busy machine,
	 * and handing off a part that is about to finish gains nothing. Otherwise (the part waits: parked, sleeping, or
	 * blocked on a monitor) {@link #STUCK_FACTOR} times the lane's measured cost, at least the floor, doubled for
	 * each recent hand-off of the lane, at most the stuck threshold.
	 * @param waiting whether the reactor thread is waiting (not runnable) now
	 */
	long stuckThresholdOf(Lane lane, boolean waiting) {
		if (!waiting || lane.delivered <= WARM_UP_PARTS) {
			return this.stuckThresholdNanos;
		}
		long limit = this.stuckThresholdNanos;
		long threshold = Math.max(this.stuckFloorNanos, Math.min(limit, lane.costNanos * STUCK_FACTOR));
		for (int recent = lane.handOffs; recent > 0 && threshold < limit; recent--) {
			threshold <<= 1;
		}
		return Math.min(threshold, limit);
	}

	/** The monitor's period while a part runs inline: a quarter of the floor, at least half a millisecond. */
	long busyPeriodNanos() {
		return Math.max(TimeUnit.MICROSECONDS.toNanos(500), this.stuckFloorNanos / 4);
	}

	/** The monitor's period while nothing runs inline: a quarter of the stuck threshold, at least a millisecond. */
	long idlePeriodNanos() {
		return Math.max(TimeUnit.MILLISECONDS.toNanos(1), this.stuckThresholdNanos / 4);
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
			this.log.log(System.Logger.Level.WARNING, "A lane observer of queue '" + this.queueName + "' failed on "
					+ lane, ex);
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
