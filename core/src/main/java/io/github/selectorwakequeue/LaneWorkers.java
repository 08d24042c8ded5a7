package io.github.selectorwakequeue;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that run lanes detached from the reactor: at most the configured number at once, created on demand
 * and retired after 30 s idle. A lane is run by one worker at a time (its {@code workerActive} flag), which runs up
 * to {@link LaneRuntime#WORKER_BATCH} parts and then, if more wait, queues the lane again behind the others, so one
 * busy lane cannot keep a worker from the rest. When every worker is busy, scheduled lanes wait their turn (a lane
 * whose parts are stuck holds one worker).
 *
 * <p>Which threads: platform daemon threads before JDK 24, virtual threads from JDK 24 on. Workers run listeners
 * that block (that is why they left the reactor), which is what virtual threads are for, but before JDK 24 a virtual
 * thread blocking inside {@code synchronized} pins its carrier, and a few listeners stuck that way (JDBC drivers,
 * HTTP clients) could stall every virtual thread of the application on a small machine (JEP 491 removed that in
 * JDK 24). The worker limit applies either way.
 *
 * <p>Scheduling is called by the reactor only (and by the thread that was handed off); the executor's queue is
 * fed by that one thread, so its lock is never contended by producers.
 */
final class LaneWorkers {

	private static final System.Logger LOG = System.getLogger(SelectorWakeQueue.class.getName());

	private final ThreadPoolExecutor executor;

	private final QueueState state;

	private final TaskRunner runner;

	private final Clock clock;

	private final int maxBacklog;

	private final Runnable wakeReactor;

	/**
	 * @param queueName prefix of the worker threads' names
	 * @param limit most workers at once
	 * @param state the queue state: workers stop taking parts once it is terminated
	 * @param runner runs and contains a part
	 * @param clock the queue's clock, to time parts
	 * @param maxBacklog the lane limit: crossing half of it on the way down wakes a reactor held back by that lane
	 * @param wakeReactor wakes the reactor if it sleeps
	 * @param threads marks each worker thread as one of the queue's own
	 */
	LaneWorkers(String queueName, int limit, QueueState state, TaskRunner runner, Clock clock, int maxBacklog,
			Runnable wakeReactor, QueueThreads threads) {
		ThreadFactory factory = threadFactory(queueName + "-lane-worker-");
		this.executor = new ThreadPoolExecutor(limit, limit, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
				(body) -> factory.newThread(threads.marking(body)));
		this.executor.allowCoreThreadTimeOut(true);
		this.state = state;
		this.runner = runner;
		this.clock = clock;
		this.maxBacklog = maxBacklog;
		this.wakeReactor = wakeReactor;
	}

	/** Gives the lane to a worker; its {@code workerActive} flag is already set by the caller. */
	void schedule(Lane lane) {
		try {
			this.executor.execute(() -> run(lane));
		}
		catch (RejectedExecutionException ex) {
			// shut down: the queue is closed and close() takes what waits in the backlog
			lane.workerActive.set(false);
		}
	}

	/**
	 * On a thread that was the reactor and was handed off while it ran a part of this lane: the part has returned;
	 * finish it, then run the lane's backlog here as its worker.
	 */
	void runHandedOff(Lane lane) {
		long since = lane.runningSinceNanos;
		long now = this.clock.nanoTime();
		lane.stuck = false;
		lane.runningThread = null;
		lane.runningSinceNanos = 0;
		lane.delivered = lane.delivered + 1;
		lane.detachedDone.incrementAndGet();
		if (since != 0) {
			lane.warmedUp = true; // judged even as the lane's first part: it is why the lane left the reactor
			lane.recordCost(now - since, false);
		}
		run(lane);
	}

	/** A worker's turn at a lane: a batch of parts, then either more turns or going idle. */
	private void run(Lane lane) {
		while (true) {
			int batch = LaneRuntime.WORKER_BATCH;
			LanePart part;
			while (batch-- > 0 && (part = take(lane)) != null) {
				runPart(lane, part);
			}
			if (this.state.isTerminated()) {
				lane.workerActive.set(false);
				return;
			}
			if (batch < 0 && lane.depth.get() > 0) {
				schedule(lane); // more waits: let other lanes have this thread first
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

	private void runPart(Lane lane, LanePart part) {
		Clock clock = this.clock;
		long start = clock.nanoTime();
		lane.runningSinceNanos = start;
		lane.runningThread = Thread.currentThread();
		this.runner.runPart(part.fanOut(), part.index());
		long end = clock.nanoTime();
		lane.runningThread = null;
		lane.runningSinceNanos = 0;
		lane.delivered = lane.delivered + 1;
		lane.detachedDone.incrementAndGet();
		lane.recordCost(end - start, false);
	}

	/** Lets running parts finish; takes no new lanes. */
	void shutdown() {
		this.executor.shutdown();
	}

	private static ThreadFactory threadFactory(String prefix) {
		ThreadFactory virtual = (Runtime.version().feature() >= 24) ? virtualThreadFactory(prefix) : null;
		if (virtual != null) {
			return virtual;
		}
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/** {@code Thread.ofVirtual().name(prefix, 1).factory()}, looked up at run time: core compiles for Java 17. */
	private static ThreadFactory virtualThreadFactory(String prefix) {
		try {
			MethodHandles.Lookup lookup = MethodHandles.publicLookup();
			Class<?> builderType = Class.forName("java.lang.Thread$Builder$OfVirtual");
			Object builder = lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(builderType)).invoke();
			MethodHandle name = lookup.findVirtual(builderType, "name",
					MethodType.methodType(builderType, String.class, long.class));
			builder = name.invoke(builder, prefix, 1L);
			MethodHandle factory = lookup.findVirtual(builderType, "factory", MethodType.methodType(ThreadFactory.class));
			return (ThreadFactory) factory.invoke(builder);
		}
		catch (Throwable ex) {
			LOG.log(System.Logger.Level.DEBUG, "No virtual threads for lane workers; using platform threads", ex);
			return null;
		}
	}

}
