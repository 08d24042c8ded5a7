package io.github.selectorwakequeue;

import java.util.concurrent.locks.LockSupport;

/**
 * Watches the reactor for a lane's part that has run inline for longer than the stuck threshold, and then lets the
 * reactor carry on without it, as Go's scheduler hands a processor off from a thread blocked in a system call: the
 * stuck thread keeps the part (and then its lane's backlog, as that lane's worker), and a fresh reactor thread takes
 * over the ring (see the hand-off protocol in {@link LaneDispatcher}).
 *
 * <p>One daemon thread per queue, started with the first lane while lanes are on; it keeps watching while the queue
 * drains at close (a stuck part must not hold up the others then either) and stops once close has terminated it.
 * It wakes every quarter of the threshold and reads one volatile field: it costs the reactor nothing, and it never
 * touches the ring or runs user code.
 */
final class LaneMonitor implements Runnable {

	private static final System.Logger LOG = System.getLogger(SelectorWakeQueue.class.getName());

	private final String queueName;

	private final LaneRuntime runtime;

	private final LaneDispatcher dispatcher;

	private final ReactorSupervisor supervisor;

	private final ReactorProbe probe;

	private long watchedToken;

	private long watchedSince;

	LaneMonitor(String queueName, LaneRuntime runtime, LaneDispatcher dispatcher, ReactorSupervisor supervisor,
			ReactorProbe probe) {
		this.queueName = queueName;
		this.runtime = runtime;
		this.dispatcher = dispatcher;
		this.supervisor = supervisor;
		this.probe = probe;
	}

	/** Starts the monitor's daemon thread. */
	void start() {
		Thread thread = new Thread(this, this.queueName + "-lane-monitor");
		thread.setDaemon(true);
		thread.start();
	}

	@Override
	public void run() {
		long period = this.runtime.monitorPeriodNanos();
		while (!this.runtime.state.isTerminated()) {
			LockSupport.parkNanos(this, period);
			try {
				check();
			}
			catch (Throwable ex) {
				LOG.log(System.Logger.Level.ERROR, "Lane monitor of queue '" + this.queueName + "' failed", ex);
			}
		}
	}

	/** One look (step M1); hands the part off once it has been seen running for longer than the threshold. */
	void check() {
		long token = this.dispatcher.runningToken();
		long now = this.runtime.clock.nanoTime();
		if (token <= 0 || token != this.watchedToken) {
			this.watchedToken = token;
			this.watchedSince = now;
			return;
		}
		if (now - this.watchedSince < this.runtime.stuckThresholdNanos || this.runtime.state.isTerminated()) {
			return;
		}
		Thread stuck = this.supervisor.thread();
		Lane lane = this.dispatcher.handOff(token); // M2, M3
		if (lane == null) {
			return;
		}
		lane.slow = true;
		lane.runningSinceNanos = this.watchedSince;
		lane.runningThread = stuck;
		this.watchedToken = 0;
		// The stuck thread never touches the probe again and its successor has not started: the probe is ours for
		// a moment. The reactor is no longer in a task; the fan-out counts as dispatched once its successor has
		// handed over the rest of it.
		this.probe.idle();
		LOG.log(System.Logger.Level.WARNING, "Lane ''{0}'' of queue ''{1}'' has run one part for over {2} ms on the "
				+ "reactor: it keeps thread ''{3}'', and a new reactor thread carries on with everything else",
				lane.name(), this.queueName, (now - this.watchedSince) / 1_000_000, stuck.getName());
		this.supervisor.handOff(stuck); // M4
	}

}
