package io.github.selectorwakequeue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.LongSupplier;

/**
 * Every call a queue makes to something outside it, through the seams the queue takes (its builder's thread
 * factory, internal thread maker, logger, clock, selector calls, error handler and task timings; the tasks and
 * {@link FanOut} methods a workload submits call {@link #call(Seam)} themselves), counted per seam; the
 * {@code k}-th call of one chosen seam fails in one chosen way. A plan with no seam ({@link #none}) only counts:
 * the dry run that tells how many calls each seam makes in a scenario.
 *
 * <p>A blocking fault waits until {@link #release()} (the end of the case) or {@link #BLOCK_MILLIS}, whichever is
 * first: a call out that hangs for a while, bounded so that every case ends.
 */
final class SeamFaults {

	/** The longest a {@link Kind#BLOCK} fault holds its caller. */
	static final long BLOCK_MILLIS = 30;

	/** One kind of call out of the queue. The clock is split by the thread that reads it. */
	enum Seam {

		REACTOR_THREAD_FACTORY, INTERNAL_THREADS, LOGGER, CLOCK_ON_REACTOR, CLOCK_ON_MONITOR, CLOCK_ON_WORKER,
		CLOCK_ELSEWHERE, SELECTOR_OPEN, SELECT, SELECTOR_WAKEUP, PIPE_WRITE, ERROR_HANDLER, TASK_TIMINGS, TASK,
		FAN_OUT_PARTS, FAN_OUT_LANE, FAN_OUT_RUN_PART

	}

	/** How the chosen call fails. */
	enum Kind {

		RUNTIME_EXCEPTION, ERROR, OUT_OF_MEMORY, BLOCK

	}

	private final String queueName;

	private final Seam seam;

	private final Kind kind;

	private final int k;

	private final AtomicIntegerArray calls = new AtomicIntegerArray(Seam.values().length);

	private final AtomicInteger reactorThreads = new AtomicInteger();

	private final CountDownLatch release = new CountDownLatch(1);

	/** Messages the queue logged, for the report of a failing case. */
	private final ConcurrentLinkedQueue<String> logged = new ConcurrentLinkedQueue<>();

	private volatile String firedOn;

	/** Set while the test itself observes the queue ({@link #observe}): its calls out are neither counted nor failed. */
	private final ThreadLocal<Boolean> observing = new ThreadLocal<>();

	/** Every thread made through the thread seams. */
	private final ConcurrentLinkedQueue<Thread> made = new ConcurrentLinkedQueue<>();

	private SeamFaults(String queueName, Seam seam, Kind kind, int k) {
		this.queueName = queueName;
		this.seam = seam;
		this.kind = kind;
		this.k = k;
	}

	/** The {@code k}-th call (1-based) of {@code seam} fails as {@code kind}. */
	static SeamFaults failing(String queueName, Seam seam, Kind kind, int k) {
		return new SeamFaults(queueName, seam, kind, k);
	}

	/** Counts the calls, fails none. */
	static SeamFaults none(String queueName) {
		return new SeamFaults(queueName, null, null, 0);
	}

	/**
	 * One call out through {@code called}: counted, and failed if it is the chosen one.
	 */
	void call(Seam called) {
		if (this.observing.get() != null) {
			return;
		}
		int n = this.calls.incrementAndGet(called.ordinal());
		if (called != this.seam || n != this.k) {
			return;
		}
		this.firedOn = Thread.currentThread().getName();
		String message = "injected: call " + n + " of " + called + " fails on " + this.firedOn;
		switch (this.kind) {
			case RUNTIME_EXCEPTION -> throw new IllegalStateException(message);
			case ERROR -> throw new InjectedError(message);
			case OUT_OF_MEMORY -> throw new OutOfMemoryError(message);
			case BLOCK -> {
				try {
					this.release.await(BLOCK_MILLIS, TimeUnit.MILLISECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}
	}

	/**
	 * Runs an observation of the test's own ({@code stats()}, a lane's stats) with the calling thread's calls out
	 * neither counted nor failed: the checks are not part of the case.
	 */
	<T> T observe(java.util.function.Supplier<T> observation) {
		this.observing.set(Boolean.TRUE);
		try {
			return observation.get();
		}
		finally {
			this.observing.remove();
		}
	}

	/** Ends every blocking fault now. */
	void release() {
		this.release.countDown();
	}

	/** Whether the chosen call happened. */
	boolean fired() {
		return this.firedOn != null;
	}

	/** The thread the chosen call was made on, or {@code null} if it has not happened. */
	String firedOn() {
		return this.firedOn;
	}

	/** Calls made so far, per seam. */
	Map<Seam, Integer> calls() {
		Map<Seam, Integer> counted = new EnumMap<>(Seam.class);
		for (Seam each : Seam.values()) {
			counted.put(each, this.calls.get(each.ordinal()));
		}
		return counted;
	}

	/** The threads made through the thread seams that are still alive. */
	List<Thread> liveThreads() {
		return this.made.stream().filter(Thread::isAlive).toList();
	}

	/** What the queue logged, oldest first (at most the last 20 lines). */
	List<String> logged() {
		List<String> lines = new ArrayList<>(this.logged);
		return lines.subList(Math.max(0, lines.size() - 20), lines.size());
	}

	/** Whether the calling thread is one of the queue's own (reactor threads, its monitor, its workers). */
	boolean onQueueThread() {
		return Thread.currentThread().getName().startsWith(this.queueName + "-");
	}

	// ---- the seams ------------------------------------------------------------------------------------------------

	/** The reactor thread factory: daemon threads named {@code <queue>-reactor-<n>}. */
	ThreadFactory reactorThreadFactory() {
		return (body) -> {
			call(Seam.REACTOR_THREAD_FACTORY);
			Thread thread = new Thread(body, this.queueName + "-reactor-" + this.reactorThreads.incrementAndGet());
			thread.setDaemon(true);
			this.made.add(thread);
			return thread;
		};
	}

	InternalThreads internalThreads() {
		return (name, body, virtualIfAvailable) -> {
			call(Seam.INTERNAL_THREADS);
			Thread thread = InternalThreads.DEFAULT.newThread(name, body, virtualIfAvailable);
			this.made.add(thread);
			return thread;
		};
	}

	/** A clock that reads {@link System#nanoTime()}, counted by the kind of thread reading it. */
	LongSupplier clock() {
		return () -> {
			call(clockSeam());
			return System.nanoTime();
		};
	}

	private Seam clockSeam() {
		String name = Thread.currentThread().getName();
		if (name.startsWith(this.queueName + "-reactor-")) {
			return Seam.CLOCK_ON_REACTOR;
		}
		if (name.equals(this.queueName + "-lane-monitor")) {
			return Seam.CLOCK_ON_MONITOR;
		}
		if (name.startsWith(this.queueName + "-lane-worker-")) {
			return Seam.CLOCK_ON_WORKER;
		}
		return Seam.CLOCK_ELSEWHERE;
	}

	SelectorIo selectorIo() {
		return new SelectorIo() {
			@Override
			public Selector open() throws IOException {
				call(Seam.SELECTOR_OPEN);
				return Selector.open();
			}

			@Override
			public int select(Selector selector, long timeoutMillis) throws IOException {
				call(Seam.SELECT);
				return selector.select(timeoutMillis);
			}

			@Override
			public void wakeup(Selector selector) {
				call(Seam.SELECTOR_WAKEUP);
				selector.wakeup();
			}

			@Override
			public int write(Pipe.SinkChannel sink, ByteBuffer buffer) throws IOException {
				call(Seam.PIPE_WRITE);
				return sink.write(buffer);
			}
		};
	}

	/** An error handler that does nothing else (and so never calls a task's {@code toString}). */
	TaskErrorHandler errorHandler() {
		return (task, error) -> call(Seam.ERROR_HANDLER);
	}

	TaskTimings taskTimings() {
		return (waitNanos, runNanos) -> call(Seam.TASK_TIMINGS);
	}

	/** A logger that logs everything, into memory (for the report of a failing case). */
	System.Logger logger() {
		return new System.Logger() {
			@Override
			public String getName() {
				return "fault-injection";
			}

			@Override
			public boolean isLoggable(Level level) {
				call(Seam.LOGGER);
				return true;
			}

			@Override
			public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
				call(Seam.LOGGER);
				SeamFaults.this.logged.add(level + " " + message + ((thrown != null) ? " [" + thrown + "]" : ""));
			}

			@Override
			public void log(Level level, ResourceBundle bundle, String format, Object... params) {
				call(Seam.LOGGER);
				SeamFaults.this.logged.add(level + " " + format);
			}
		};
	}

	/** The {@link Kind#ERROR} fault: an {@link Error} that is neither out-of-memory nor a stack overflow. */
	static final class InjectedError extends Error {

		InjectedError(String message) {
			super(message);
		}

	}

}
