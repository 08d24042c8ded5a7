package io.github.selectorwakequeue;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The threads that run lanes detached from the reactor: at most the configured number at once, started on demand
 * and retired after {@link #IDLE_NANOS} idle.
 *
 * <ul>
 * <li><b>A lane keeps its worker.</b> A worker that takes a lane runs its backlog until it is empty, so a lane's
 * parts run on one thread for as long as it has work (its thread-locals and thread count behave as a user expects).
 * Only when other lanes wait for a worker and none is free does it hand the lane back to the end of the line after
 * {@link LaneRuntime#WORKER_BATCH} parts, so that one busy lane cannot keep a worker from the rest.</li>
 * <li><b>A stuck worker is compensated.</b> The lane monitor counts workers whose part has run past the stuck
 * threshold ({@link #compensate}); while any are stuck, that many more workers may run (at most the limit again),
 * as {@code ForkJoinPool} compensates a blocked thread, so that a listener hanging on a worker delays only its own
 * lane. Counted in {@link #compensations()}.</li>
 * </ul>
 *
 * <p>Which threads: platform daemon threads before JDK 24, virtual threads from JDK 24 on (before JEP 491 a
 * virtual thread blocked inside {@code synchronized} pins its carrier, and a few stuck listeners could stall every
 * virtual thread of a small machine). Starting one is a call out ({@link InternalThreads}): if it fails, the lane
 * waits and the monitor tries again ({@link #compensate} also starts a worker for lanes left waiting).
 *
 * <p>{@link #schedule} is called by the reactor (and by a worker handing a lane back); thread-safe, lock-free,
 * never blocks.
 */
final class LaneWorkers {

	/** How long a worker waits for a lane before it ends. */
	static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);

	private final String namePrefix;

	private final int limit;

	private final QueueState state;

	private final TaskRunner runner;

	private final Clock clock;

	private final int maxBacklog;

	private final Runnable wakeReactor;

	private final QueueThreads threads;

	private final InternalThreads threadMaker;

	private final QueueLog log;

	/** Lanes with a worker due ({@code workerActive} set) that no worker has taken yet, oldest first. */
	private final ConcurrentLinkedQueue<Lane> ready = new ConcurrentLinkedQueue<>();

	/** Workers parked for want of a lane, most recently parked first. */
	private final ConcurrentLinkedDeque<Worker> idle = new ConcurrentLinkedDeque<>();

	/** Every live worker, for the monitor's look at stuck ones. */
	private final List<Worker> all = new CopyOnWriteArrayList<>();

	/** Workers started and not yet ended. */
	private final AtomicInteger live = new AtomicInteger();

	/** Workers allowed beyond the limit while as many are stuck; set by the monitor. */
	private volatile int extra;

	private final AtomicLong compensations = new AtomicLong();

	private final AtomicInteger names = new AtomicInteger();

	private volatile boolean shutdown;

	/** Whether a failure to start a worker has been logged since the last success (one line per outage). */
	private volatile boolean startFailureLogged;

	/**
	 * @param queueName prefix of the worker threads' names
	 * @param limit most workers at once (more only while some are stuck)
	 * @param state the queue state: workers stop taking parts once it is terminated
	 * @param runner runs and contains a part
	 * @param clock the queue's clock, to time parts
	 * @param maxBacklog the lane limit: crossing half of it on the way down wakes a reactor held back by that lane
	 * @param wakeReactor wakes the reactor if it sleeps
	 * @param threads marks each worker thread as one of the queue's own
	 * @param threadMaker starts the worker threads
	 * @param log the queue's logger
	 */
	LaneWorkers(String queueName, int limit, QueueState state, TaskRunner runner, Clock clock, int maxBacklog,
			Runnable wakeReactor, QueueThreads threads, InternalThreads threadMaker, QueueLog log) {
		this.namePrefix = queueName + "-lane-worker-";
		this.limit = limit;
		this.state = state;
		this.runner = runner;
		this.clock = clock;
		this.maxBacklog = maxBacklog;
		this.wakeReactor = wakeReactor;
		this.threads = threads;
		this.threadMaker = threadMaker;
		this.log = log;
	}

	/** Gives the lane to a worker; its {@code workerActive} flag is already set by the caller. */
	void schedule(Lane lane) {
		this.ready.offer(lane);
		wakeOrStart();
	}

	/** Wakes a parked worker, or starts one if the limit allows; a lane left waiting is the monitor's to retry. */
	private void wakeOrStart() {
		Worker parked;
		while ((parked = this.idle.pollFirst()) != null) {
			if (parked.wake()) {
				return;
			}
		}
		startWorker();
	}

	private void startWorker() {
		int current;
		do {
			current = this.live.get();
			if (current >= this.limit + this.extra || this.shutdown) {
				return;
			}
		}
		while (!this.live.compareAndSet(current, current + 1));
		Worker worker = new Worker();
		try {
			Thread thread = this.threadMaker.newThread(this.namePrefix + this.names.incrementAndGet(),
					this.threads.marking(worker), true);
			worker.thread = thread;
			this.all.add(worker);
			thread.start();
			this.startFailureLogged = false;
		}
		catch (Throwable ex) {
			this.all.remove(worker);
			this.live.decrementAndGet();
			if (!this.startFailureLogged) {
				this.startFailureLogged = true;
				this.log.log(System.Logger.Level.ERROR, "Could not start a lane worker thread ("
						+ this.namePrefix + "*); lanes waiting for one are retried by the lane monitor", ex);
			}
		}
	}

	/**
	 * On a thread that was the reactor and was handed off while it ran a part of this lane: runs the lane's backlog
	 * here as its worker, then returns (the thread then ends).
	 */
	void runLaneHere(Lane lane) {
		runLane(lane, null);
	}

	/**
	 * Runs a lane's backlog until it is empty (or it is handed back, see the class comment), then lets go of it.
	 * @param worker the pool worker running it, or {@code null} for a thread that was handed off
	 */
	private void runLane(Lane lane, Worker worker) {
		int batch = 0;
		while (true) {
			LanePart part = take(lane);
			if (part != null) {
				runPart(lane, part, worker);
				if (++batch >= LaneRuntime.WORKER_BATCH && othersWaitForAWorker()) {
					this.ready.offer(lane); // keeps workerActive: it is still due a worker
					wakeOrStart();
					return;
				}
				continue;
			}
			if (this.state.isTerminated()) {
				lane.workerActive.set(false);
				return;
			}
			lane.workerActive.set(false);
			// The reactor appends, then checks workerActive: re-check the backlog after letting go.
			if (lane.depth.get() == 0 || !lane.workerActive.compareAndSet(false, true)) {
				if (!this.state.isRunning()) {
					this.wakeReactor.run(); // closing: the reactor waits for idle lanes
				}
				if (lane.released) {
					lane.forgetIfReleased();
				}
				return;
			}
		}
	}

	/** Lanes wait for a worker and none can be had: not a parked one, not a new one. */
	private boolean othersWaitForAWorker() {
		return !this.ready.isEmpty() && this.idle.isEmpty() && this.live.get() >= this.limit + this.extra;
	}

	/** Takes the next part, unless the queue is terminated (close takes the backlog then). */
	private LanePart take(Lane lane) {
		lane.polling = true; // volatile write, then the state read: a Dekker pair with the closer
		try {
			if (this.state.isTerminated()) {
				return null;
			}
			LanePart part = lane.backlog.poll();
			if (part != null && lane.depth.decrementAndGet() == this.maxBacklog / 2) {
				this.wakeReactor.run(); // a reactor held back by this full lane may go on
			}
			return part;
		}
		finally {
			lane.polling = false;
		}
	}

	private void runPart(Lane lane, LanePart part, Worker worker) {
		Clock clock = this.clock;
		long start = clock.nanoTime();
		lane.runningSinceNanos = start;
		lane.runningThread = Thread.currentThread();
		if (worker != null) {
			worker.partSince = start;
		}
		this.runner.runOwnPart(part.fanOut(), part.index());
		long end = clock.nanoTime();
		if (worker != null) {
			worker.partSince = 0;
		}
		lane.runningThread = null;
		lane.runningSinceNanos = 0;
		lane.countDelivered();
		lane.detachedDone.incrementAndGet();
		lane.recordCost(end - start, false);
	}

	// ---- the monitor --------------------------------------------------------------------------------------

	/**
	 * Counts the workers whose part has run for longer than {@code stuckNanos} and lets as many more run (at most the
	 * limit again); starts a worker for lanes left waiting. Monitor thread only.
	 * @return how many workers are stuck now
	 */
	int compensate(long now, long stuckNanos) {
		int stuck = 0;
		for (Worker worker : this.all) {
			long since = worker.partSince;
			if (since != 0 && now - since > stuckNanos) {
				stuck++;
			}
		}
		int allowed = Math.min(stuck, this.limit);
		int before = this.extra;
		if (allowed != before) {
			this.extra = allowed;
			if (allowed > before) {
				this.compensations.addAndGet(allowed - before);
			}
		}
		if (!this.ready.isEmpty()) {
			wakeOrStart();
		}
		return stuck;
	}

	/** Workers started beyond the limit because others were stuck, since the queue was built. */
	long compensations() {
		return this.compensations.get();
	}

	/** Lets running parts finish; ends idle workers; takes no new lanes. */
	void shutdown() {
		this.shutdown = true;
		Worker parked;
		while ((parked = this.idle.pollFirst()) != null) {
			parked.wake();
		}
	}

	/** One pool thread: takes lanes from {@link #ready}, parks when there are none, ends when idle for long. */
	private final class Worker implements Runnable {

		private static final int RUNNING = 0;

		private static final int PARKED = 1;

		private final AtomicInteger parking = new AtomicInteger(RUNNING);

		volatile Thread thread;

		/** When the part it runs started, 0 when it runs none (for the monitor). */
		volatile long partSince;

		@Override
		public void run() {
			try {
				work();
			}
			finally {
				LaneWorkers.this.all.remove(this);
				LaneWorkers.this.live.decrementAndGet();
				// Dekker with a scheduler that found the limit reached: it offered, then read live; we lowered live,
				// now read the line.
				if (!LaneWorkers.this.ready.isEmpty() && !LaneWorkers.this.shutdown) {
					wakeOrStart();
				}
			}
		}

		private void work() {
			while (true) {
				Lane lane = LaneWorkers.this.ready.poll();
				if (lane != null) {
					runLane(lane, this);
					continue;
				}
				if (LaneWorkers.this.shutdown || LaneWorkers.this.live.get() > LaneWorkers.this.limit + LaneWorkers.this.extra
						|| !parkForALane()) {
					return;
				}
			}
		}

		/**
		 * Parks until a scheduler wakes it, or {@link #IDLE_NANOS} pass.
		 * @return {@code true} if woken (look for a lane), {@code false} to end
		 */
		private boolean parkForALane() {
			this.parking.set(PARKED);
			LaneWorkers.this.idle.offerFirst(this);
			// Dekker with schedule(): it offers a lane, then polls idle workers; we offer ourselves, then look.
			if (!LaneWorkers.this.ready.isEmpty() || LaneWorkers.this.shutdown) {
				if (this.parking.compareAndSet(PARKED, RUNNING)) {
					LaneWorkers.this.idle.remove(this);
				}
				return !LaneWorkers.this.shutdown;
			}
			long deadline = System.nanoTime() + IDLE_NANOS;
			while (this.parking.get() == PARKED) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					if (this.parking.compareAndSet(PARKED, RUNNING)) {
						LaneWorkers.this.idle.remove(this);
						return false;
					}
					break; // woken just now
				}
				LockSupport.parkNanos(this, remaining);
				Thread.interrupted(); // not a request to stop: only the queue's shutdown is
			}
			return !LaneWorkers.this.shutdown;
		}

		/** Called by whoever polled it from {@link #idle}. @return whether this call woke it */
		boolean wake() {
			if (this.parking.compareAndSet(PARKED, RUNNING)) {
				LockSupport.unpark(this.thread);
				return true;
			}
			return false;
		}

	}

}
