package io.github.selectorwakequeue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches the lanes of one queue from a thread of its own, so that a stuck listener delays only itself:
 * <ul>
 * <li>a part that runs inline on the reactor for longer than its lane's threshold is handed off ({@link HandOff}):
 * a spare reactor thread carries on with everything else;</li>
 * <li>it keeps that spare ready: a parked thread from the reactor's thread factory, prepared before it is needed, so
 * a hand-off starts no thread ({@link ReactorSupervisor#prepareSpare()});</li>
 * <li>workers stuck in a part longer than the stuck threshold are compensated with as many extra workers
 * ({@link LaneWorkers#compensate}).</li>
 * </ul>
 * It looks every quarter of the stuck floor (a millisecond or so) while the reactor is active, and every quarter of
 * the stuck threshold once it has been quiet for a second; each look reads a few volatile fields. It costs the reactor nothing and never runs
 * user code. What it reports, it logs last, after every step that matters was taken: a log call that blocks or
 * throws holds up nothing but the next look. An interrupt is cleared and ignored (closing is the only way to stop
 * it); it ends once close has terminated the queue, retiring the spare.
 */
final class LaneMonitor implements Runnable {

	/** How long after the reactor's last dispatch the monitor keeps looking at the busy pace. */
	static final long ACTIVE_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final String queueName;

	private final LaneRuntime runtime;

	private final HandOff handOff;

	private final ReactorSupervisor supervisor;

	private final InternalThreads threadMaker;

	private final QueueLog log;

	private final ReactorProbe probe;

	private final AtomicBoolean started = new AtomicBoolean();

	/** Monitor-owned: the reactor's dispatch count at the last look, and when it last changed. */
	private long lastDispatched = -1;

	private long lastActiveNanos;

	LaneMonitor(String queueName, LaneRuntime runtime, HandOff handOff, ReactorSupervisor supervisor,
			ReactorProbe probe, InternalThreads threadMaker, QueueLog log) {
		this.queueName = queueName;
		this.runtime = runtime;
		this.handOff = handOff;
		this.supervisor = supervisor;
		this.probe = probe;
		this.threadMaker = threadMaker;
		this.log = log;
	}

	/** Starts the monitor's daemon thread, once; if it cannot be started, the next call tries again. */
	void startOnce() {
		if (this.started.get() || !this.started.compareAndSet(false, true)) {
			return;
		}
		try {
			this.threadMaker.newThread(this.queueName + "-lane-monitor", this, false).start();
		}
		catch (Throwable ex) {
			this.started.set(false);
			this.log.log(System.Logger.Level.ERROR, "Could not start the lane monitor of queue '" + this.queueName
					+ "': stuck listeners are not handed off until it starts (the next new lane tries again)", ex);
		}
	}

	@Override
	public void run() {
		try {
			this.supervisor.prepareSpare(); // ready before the first part can get stuck
			while (!this.runtime.state.isTerminated()) {
				long period = period();
				LockSupport.parkNanos(this, period);
				Thread.interrupted(); // an interrupt is not a request to stop: close is
				look(period);
			}
		}
		finally {
			this.supervisor.retireSpare();
		}
	}

	/**
	 * How long to wait before the next look: the busy period while the reactor is active (a part runs inline, or
	 * it dispatched something within the last {@link #ACTIVE_NANOS}), so that a part that gets stuck is seen within a
	 * millisecond or so; the idle period once it has been quiet that long (a part that gets stuck right after a long
	 * quiet spell may then be seen a quarter of the stuck threshold later).
	 */
	private long period() {
		long now = System.nanoTime();
		long dispatched = this.probe.dispatched();
		if (dispatched != this.lastDispatched || this.handOff.isRunningInline()) {
			this.lastDispatched = dispatched;
			this.lastActiveNanos = now;
		}
		return (now - this.lastActiveNanos < ACTIVE_NANOS) ? this.runtime.busyPeriodNanos()
				: this.runtime.idlePeriodNanos();
	}

	/** One look: hand-off first (with the spare prepared earlier), then a new spare, then the workers; logs last. */
	private void look(long period) {
		HandOff.Record handedOff = null;
		long now = 0;
		try {
			now = this.runtime.clock.nanoTime();
			handedOff = this.handOff.check(now, period);
		}
		catch (Throwable ex) {
			this.log.log(System.Logger.Level.ERROR, "Lane monitor of queue '" + this.queueName + "' failed", ex);
		}
		if (!this.runtime.state.isTerminated()) {
			this.supervisor.prepareSpare();
		}
		try {
			this.runtime.workers.compensate((now != 0) ? now : this.runtime.clock.nanoTime(),
					this.runtime.stuckThresholdNanos);
		}
		catch (Throwable ex) {
			this.log.log(System.Logger.Level.ERROR, "Lane monitor of queue '" + this.queueName + "' failed", ex);
		}
		if (handedOff != null) {
			report(handedOff);
		}
	}

	/**
	 * A hand-off is normal operation: INFO the first time a lane is handed off, in the words of someone who knows
	 * the lane as a listener; DEBUG afterwards.
	 */
	private void report(HandOff.Record record) {
		Lane lane = record.lane;
		if (!record.promoted) {
			return; // the queue was closing: nothing carried on
		}
		boolean first = !lane.handOffLogged;
		lane.handOffLogged = true;
		System.Logger.Level level = first ? System.Logger.Level.INFO : System.Logger.Level.DEBUG;
		if (!this.log.isLoggable(level)) {
			return;
		}
		long usualMicros = TimeUnit.NANOSECONDS.toMicros(lane.costNanos);
		this.log.log(level, "'" + lane.name() + "' has held the reactor of queue '" + this.queueName + "' for "
				+ record.ranMillis() + " ms" + ((usualMicros > 0) ? " (it usually takes " + usualMicros + " µs)" : "")
				+ ": it goes on on its own thread ('" + record.stuck.getName() + "'), and a spare reactor thread carries"
				+ " on with every other listener and task at once. Its own later events wait for it, in order."
				+ (first ? " Logged once per lane; later hand-offs are logged at DEBUG." : ""));
	}

}
