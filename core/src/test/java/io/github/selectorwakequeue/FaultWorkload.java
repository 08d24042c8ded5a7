package io.github.selectorwakequeue;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The work a fault-injection case submits, and what became of it: plain tasks and {@link FanOut}s over a few lanes,
 * each counting its runs, and each lane checking, as its parts run on the queue's threads, that they run one at a time
 * and in the order the queue accepted their fan-outs. Every task, {@code parts()}, {@code lane(i)} and
 * {@code runPart(i)} is a call out through {@link SeamFaults}. A part whose {@code parts()} or {@code lane(i)} failed
 * by injection is <em>refused</em>: the queue reports it as failed instead of running it.
 *
 * <p>Only what {@code offer} accepted counts; an item whose offer returned {@code false} or threw must never run.
 */
final class FaultWorkload {

	/** A part's body. */
	enum Body {

		/** Returns at once. */
		QUICK,

		/** Runs for a millisecond: its lane moves to a worker after a few parts. */
		SLOW,

		/** Throws (a listener's own failure, reported to the error handler). */
		FAILING,

		/** Holds its thread for {@link #STUCK_MILLIS} (or until the case ends): past the stuck threshold. */
		STUCK

	}

	/** How long a {@link Body#STUCK} part runs, at most. */
	static final long STUCK_MILLIS = 30;

	private final SeamFaults faults;

	private final SelectorWakeQueue queue;

	final List<Task> tasks = new ArrayList<>();

	final List<Event> events = new ArrayList<>();

	/** Order and exclusion violations seen as parts ran. */
	final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();

	/** Counted down when the first task or part runs. */
	final CountDownLatch firstRun = new CountDownLatch(1);

	/** Counted down when a {@link Body#STUCK} part starts, and when it returns. */
	final CountDownLatch stuckEntered = new CountDownLatch(1);

	final CountDownLatch stuckLeft = new CountDownLatch(1);

	/** Ends {@link Body#STUCK} parts early: at the end of the case. */
	private final CountDownLatch release = new CountDownLatch(1);

	private final Map<Lane, LaneTrack> tracks = new IdentityHashMap<>();

	private long sequence;

	FaultWorkload(SelectorWakeQueue queue, SeamFaults faults) {
		this.queue = queue;
		this.faults = faults;
	}

	Lane lane(String name) {
		Lane lane = this.queue.lane(name);
		this.tracks.computeIfAbsent(lane, (key) -> new LaneTrack(name));
		return lane;
	}

	/** Offers a plain task; it throws when run if {@code failing}. */
	void offerTask(boolean failing) {
		Task task = new Task(this.tasks.size(), failing);
		this.tasks.add(task);
		task.accepted = offer(task);
	}

	/** Offers a fan-out with one part per lane, in that order. */
	void offerEvent(Lane[] lanes, Body[] bodies) {
		Event event = new Event(this.sequence++, lanes, bodies);
		this.events.add(event);
		event.accepted = offer(event);
	}

	/** Offers a fan-out in order ({@code offerInOrder}): behind the ring if it is full. */
	void offerEventInOrder(Lane[] lanes, Body[] bodies) {
		Event event = new Event(this.sequence++, lanes, bodies);
		this.events.add(event);
		try {
			event.accepted = this.queue.offerInOrder(event);
		}
		catch (Throwable ex) {
			event.accepted = false;
		}
	}

	/** Offers a plain task that holds the reactor until {@code gate} opens (or the case ends), so the ring fills. */
	void offerTaskHeldBy(CountDownLatch gate) {
		Task task = new Task(this.tasks.size(), false) {
			@Override
			public void run() {
				awaitQuietly(gate, STUCK_MILLIS * 10);
				super.run();
			}
		};
		this.tasks.add(task);
		task.accepted = offer(task);
	}

	private boolean offer(Runnable task) {
		try {
			return this.queue.offer(task);
		}
		catch (Throwable ex) {
			return false; // a fault before the task was accepted (the sampling clock): not accepted
		}
	}

	void releaseStuckParts() {
		this.release.countDown();
	}

	// ---- after the case ---------------------------------------------------------------------------------------

	/**
	 * Counts what {@code close} returned against the items.
	 * @return how many of the returned items came from the ring (whole tasks and fan-outs, not lane parts)
	 */
	int countReturned(List<Runnable> returned, List<String> problems) {
		int fromRing = 0;
		for (Runnable each : returned) {
			if (each instanceof LanePart part && part.fanOut() instanceof Event event) {
				event.returned.incrementAndGet(part.index());
			}
			else if (each instanceof Event event) {
				fromRing++;
				for (int i = 0; i < event.lanes.length; i++) {
					event.returned.incrementAndGet(i);
				}
			}
			else if (each instanceof Task task) {
				fromRing++;
				task.returned.incrementAndGet();
			}
			else {
				problems.add("close returned something not submitted: " + each);
			}
		}
		return fromRing;
	}

	/**
	 * Every accepted task ran exactly once or was returned exactly once; every part of an accepted fan-out ran, was
	 * returned, or was refused, exactly once; nothing that was not accepted ran or came back.
	 */
	void checkEachItemOnce(List<String> problems) {
		for (Task task : this.tasks) {
			int outcomes = task.runs.get() + task.returned.get();
			if (task.accepted ? outcomes != 1 : outcomes != 0) {
				problems.add("task " + task.id + (task.accepted ? " (accepted)" : " (not accepted)") + " ran "
						+ task.runs.get() + "x, returned " + task.returned.get() + "x");
			}
		}
		for (Event event : this.events) {
			for (int i = 0; i < event.lanes.length; i++) {
				int refused = event.partsRefused.get() + event.laneRefused.get(i);
				// a fan-out not accepted must never run nor come back; offerInOrder may have asked it for its parts
				int outcomes = event.runs.get(i) + event.returned.get(i) + (event.accepted ? refused : 0);
				if (event.accepted ? outcomes != 1 : outcomes != 0) {
					problems.add("fan-out " + event.seq + " part " + i + " ('" + event.lanes[i].name() + "')"
							+ (event.accepted ? " (accepted)" : " (not accepted)") + " ran " + event.runs.get(i)
							+ "x, returned " + event.returned.get(i) + "x, refused " + refused + "x");
				}
			}
		}
	}

	/** Lanes checked by this workload. */
	List<Lane> lanes() {
		return new ArrayList<>(this.tracks.keySet());
	}

	/** A plain task that counts its runs. */
	class Task implements Runnable {

		final int id;

		final boolean failing;

		boolean accepted;

		final AtomicInteger runs = new AtomicInteger();

		final AtomicInteger returned = new AtomicInteger();

		Task(int id, boolean failing) {
			this.id = id;
			this.failing = failing;
		}

		@Override
		public void run() {
			this.runs.incrementAndGet();
			FaultWorkload.this.firstRun.countDown();
			FaultWorkload.this.faults.call(SeamFaults.Seam.TASK);
			if (this.failing) {
				throw new IllegalStateException("task " + this.id + " fails (deliberate)");
			}
		}

		@Override
		public String toString() {
			return "task " + this.id;
		}

	}

	/** A fan-out, one part per lane, that counts runs, returns and refusals per part. */
	final class Event implements FanOut {

		final long seq;

		final Lane[] lanes;

		final Body[] bodies;

		boolean accepted;

		final AtomicIntegerArray runs;

		final AtomicIntegerArray returned;

		final AtomicInteger partsRefused = new AtomicInteger();

		final AtomicIntegerArray laneRefused;

		Event(long seq, Lane[] lanes, Body[] bodies) {
			this.seq = seq;
			this.lanes = lanes;
			this.bodies = bodies;
			this.runs = new AtomicIntegerArray(lanes.length);
			this.returned = new AtomicIntegerArray(lanes.length);
			this.laneRefused = new AtomicIntegerArray(lanes.length);
		}

		@Override
		public int parts() {
			try {
				FaultWorkload.this.faults.call(SeamFaults.Seam.FAN_OUT_PARTS);
			}
			catch (Throwable ex) {
				this.partsRefused.incrementAndGet();
				throw ex;
			}
			return this.lanes.length;
		}

		@Override
		public Lane lane(int index) {
			try {
				FaultWorkload.this.faults.call(SeamFaults.Seam.FAN_OUT_LANE);
			}
			catch (Throwable ex) {
				this.laneRefused.incrementAndGet(index);
				throw ex;
			}
			return this.lanes[index];
		}

		@Override
		public void runPart(int index) {
			this.runs.incrementAndGet(index);
			FaultWorkload.this.firstRun.countDown();
			// parts run by a thread that is not the queue's (caller-runs, a rescue after close) run outside the lanes
			LaneTrack track = FaultWorkload.this.faults.onQueueThread() ? FaultWorkload.this.tracks.get(this.lanes[index])
					: null;
			if (track != null) {
				track.enter(this.seq);
			}
			try {
				FaultWorkload.this.faults.call(SeamFaults.Seam.FAN_OUT_RUN_PART);
				switch (this.bodies[index]) {
					case QUICK -> {
					}
					case SLOW -> busy(TimeUnit.MILLISECONDS.toNanos(1));
					case FAILING -> throw new IllegalStateException("part " + index + " of fan-out " + this.seq
							+ " fails (deliberate)");
					case STUCK -> {
						FaultWorkload.this.stuckEntered.countDown();
						awaitQuietly(FaultWorkload.this.release, STUCK_MILLIS);
						FaultWorkload.this.stuckLeft.countDown();
					}
				}
			}
			finally {
				if (track != null) {
					track.exit();
				}
			}
		}

		@Override
		public String toString() {
			return "fan-out " + this.seq;
		}

	}

	private static void awaitQuietly(CountDownLatch latch, long millis) {
		try {
			latch.await(millis, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** A listener that takes its time: parks until the deadline (user code being slow, not a synchronisation). */
	private static void busy(long nanos) {
		long deadline = System.nanoTime() + nanos;
		long remaining;
		while ((remaining = deadline - System.nanoTime()) > 0) {
			LockSupport.parkNanos(remaining);
		}
	}

	/** One lane's parts as they run: one at a time, fan-outs in accepted order. */
	private final class LaneTrack {

		private final String name;

		private final AtomicBoolean running = new AtomicBoolean();

		private volatile long lastSeq = -1;

		LaneTrack(String name) {
			this.name = name;
		}

		void enter(long seq) {
			if (!this.running.compareAndSet(false, true)) {
				FaultWorkload.this.violations.add("lane '" + this.name + "' ran fan-out " + seq
						+ " while another of its parts was running");
			}
			if (seq <= this.lastSeq) {
				FaultWorkload.this.violations.add("lane '" + this.name + "' ran fan-out " + seq + " after fan-out "
						+ this.lastSeq);
			}
			this.lastSeq = seq;
		}

		void exit() {
			this.running.set(false);
		}

	}

}
