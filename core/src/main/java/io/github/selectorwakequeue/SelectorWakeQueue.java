package io.github.selectorwakequeue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A bounded cross-thread task queue that is safe to call from any context and never blocks the caller:
 * tasks are appended to a lock-free MPSC ring and run, in order, by one reactor thread that sleeps in a
 * {@link java.nio.channels.Selector} and is woken through a non-blocking self-pipe.
 *
 * <h2>Guarantees</h2>
 * <ul>
 * <li><b>Never blocks, never deadlocks the caller.</b> {@link #offer}, {@link #execute} and
 * {@link #schedule} take no lock and never wait for the reactor; the only system call on their path is
 * the one-byte non-blocking pipe write that wakes a sleeping reactor, paid by at most one producer per
 * sleep. They are safe from threads holding other locks, interrupted threads (the interrupt status is
 * neither cleared nor consumed), {@code Cleaner}, shutdown-hook and signal-handler threads, virtual
 * threads, and from tasks running on the reactor itself.</li>
 * <li><b>Order.</b> Tasks run one at a time on the reactor thread, in the order they were accepted; the
 * tasks of one producer run in that producer's order.</li>
 * <li><b>Full.</b> {@code offer} returns {@code false}; {@code execute} applies the
 * {@link OverflowPolicy}, except on the reactor thread, where the task runs inline at once (waiting for
 * space only the reactor can make would deadlock).</li>
 * <li><b>Failures.</b> Everything a task throws is caught, counted as {@code failed} and passed to the
 * {@link TaskErrorHandler}; the reactor goes on. A reactor thread that dies anyway is restarted.</li>
 * <li><b>Closed.</b> {@link #close(Duration)} runs what is queued until its timeout and returns, in
 * order, every accepted task that did not run: an accepted task either runs once or is returned once.
 * After close, {@code offer} returns {@code false} and {@code execute} applies the policy.</li>
 * </ul>
 * The one known window, a producer that dies of a {@link StackOverflowError} between claiming and
 * filling its slot, is described in {@code README.md} and handled by skipping the slot after a grace period.
 *
 * <p>Build one with {@link #builder()}, then {@link #start()} it. Tasks offered before {@code start} wait
 * in the queue and run once it starts.
 */
public final class SelectorWakeQueue implements Executor, AutoCloseable {

	private static final System.Logger LOG = System.getLogger(SelectorWakeQueue.class.getName());

	/** Default name: reactor thread name and metric tag. */
	public static final String DEFAULT_NAME = "selector-wake-queue";

	/** Default capacity, in tasks. */
	public static final int DEFAULT_CAPACITY = 65536;

	/** Largest accepted capacity: 2^30 tasks. */
	public static final int MAX_CAPACITY = 1 << 30;

	/** How long {@link #close()} lets queued tasks run. */
	public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

	static final int NEW = 0;

	static final int RUNNING = 1;

	static final int CLOSING = 2;

	static final int TERMINATED = 3;

	private static final VarHandle STATE;

	static {
		try {
			STATE = MethodHandles.lookup().findVarHandle(SelectorWakeQueue.class, "state", int.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
		TaskRing.warmUp();
	}

	private final String name;

	private final OverflowPolicy overflowPolicy;

	private final TaskErrorHandler errorHandler;

	private final ThreadFactory threadFactory;

	private final TaskTimings taskTimings;

	private final int sampleEvery;

	private final TaskRing ring;

	private final WakeSignal signal;

	private final Timers timers = new Timers();

	private final Reactor reactor;

	/** {@link #NEW} → {@link #RUNNING} → {@link #CLOSING} → {@link #TERMINATED}; never backwards. */
	@SuppressWarnings("unused") // accessed through STATE
	private volatile int state = NEW;

	private volatile Thread reactorThread;

	/**
	 * The thread allowed to poll the ring (it has a single consumer): the reactor while it lives; the
	 * closer, or a producer rescuing tasks that raced with close, afterwards.
	 */
	private final AtomicReference<Thread> consumer = new AtomicReference<>();

	/** Set by a reactor thread that died and could not be replaced; the next producer to wake it restarts it. */
	private final AtomicBoolean reactorDead = new AtomicBoolean();

	/** Set when a {@link StackOverflowError} escaped the ring's offer: a claimed slot may never be filled. */
	private volatile boolean producerDiedInOffer;

	private final LongAdder rejected = new LongAdder();

	private final LongAdder callerRuns = new LongAdder();

	private final LongAdder discarded = new LongAdder();

	private final LongAdder failed = new LongAdder();

	private final AtomicLong reactorRestarts = new AtomicLong();

	private final AtomicLong holesSkipped = new AtomicLong();

	/** Test hook, run by the reactor once per loop turn outside any task's protection. */
	volatile Runnable loopHook;

	private SelectorWakeQueue(Builder builder) {
		this.name = builder.name;
		this.overflowPolicy = builder.overflowPolicy;
		this.errorHandler = (builder.errorHandler != null) ? builder.errorHandler : this::logFailure;
		this.threadFactory = (builder.threadFactory != null) ? builder.threadFactory : this::newReactorThread;
		this.taskTimings = builder.taskTimings;
		this.sampleEvery = builder.sampleEvery;
		this.ring = new TaskRing(Math.max(2, builder.capacity));
		this.signal = new WakeSignal();
		this.reactor = new Reactor(this, this.ring, this.signal, this.timers, this.taskTimings);
	}

	/**
	 * Starts building a queue.
	 * @return a builder with every default set
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Starts the reactor thread. Idempotent: later calls do nothing. Tasks accepted before it run now.
	 * @throws IllegalStateException if the queue has been closed, or the thread factory returned {@code null}
	 */
	public void start() {
		while (true) {
			int current = this.state;
			if (current == RUNNING) {
				return;
			}
			if (current != NEW) {
				throw new IllegalStateException("Queue '" + this.name + "' is closed and cannot be started again");
			}
			if (STATE.compareAndSet(this, NEW, RUNNING)) {
				launchReactor(false);
				return;
			}
		}
	}

	/**
	 * Appends a task if there is room. Never blocks and never applies the {@link OverflowPolicy}.
	 * Lock-free: one CAS on the ring, plus, if the reactor is asleep and no other producer has woken it
	 * yet, one non-blocking pipe write. Callable from any thread, including the reactor; the caller's
	 * interrupt status is left as it is.
	 * @param task the task to run on the reactor thread
	 * @return {@code true} if the task was accepted (it will run, or be returned by {@link #close(Duration)}),
	 * {@code false} if the queue is full or closed
	 * @throws NullPointerException if {@code task} is {@code null}
	 */
	public boolean offer(Runnable task) {
		Objects.requireNonNull(task, "task");
		if (this.state >= CLOSING) {
			return false;
		}
		Object element = (this.taskTimings != null) ? maybeSample(task) : task;
		boolean accepted;
		try {
			accepted = this.ring.offer(element);
		}
		catch (StackOverflowError ex) {
			// A field write only: no call that could overflow again. The reactor may have to skip a slot.
			this.producerDiedInOffer = true;
			throw ex;
		}
		if (!accepted) {
			return false;
		}
		if (this.state == TERMINATED) {
			// close() finished while we were enqueueing: nobody else will poll; run what is stranded.
			drainAsConsumer(null, this::runRescued);
		}
		else if (this.signal.wakeIfSleeping() && this.reactorDead.get()) {
			restartDeadReactor();
		}
		return true;
	}

	private Object maybeSample(Runnable task) {
		if (this.sampleEvery == 1 || ThreadLocalRandom.current().nextInt(this.sampleEvery) == 0) {
			return new SampledTask(task, System.nanoTime());
		}
		return task;
	}

	/**
	 * Runs the task on the reactor thread, or, if the queue cannot accept it, applies the
	 * {@link OverflowPolicy}. Never blocks (see {@link #offer}). On the reactor thread a full queue runs the
	 * task inline whatever the policy.
	 * @param task the task to run
	 * @throws NullPointerException if {@code task} is {@code null}
	 * @throws RejectedExecutionException under {@link OverflowPolicy#REJECT}, naming the queue and whether
	 * it is full or closed
	 */
	@Override
	public void execute(Runnable task) {
		if (!offer(task)) {
			overflow(task);
		}
	}

	private void overflow(Runnable task) {
		boolean closed = this.state >= CLOSING;
		if (!closed && isReactorThread()) {
			this.callerRuns.increment();
			runSafely(task);
			return;
		}
		switch (this.overflowPolicy) {
			case CALLER_RUNS -> {
				this.callerRuns.increment();
				runSafely(task);
			}
			case DISCARD -> this.discarded.increment();
			case REJECT -> {
				this.rejected.increment();
				throw new RejectedExecutionException(closed ? "Queue '" + this.name + "' is closed; task rejected"
						: "Queue '" + this.name + "' is full (capacity " + this.ring.capacity() + "); task rejected");
			}
		}
	}

	/**
	 * Runs the task once on the reactor thread after at least {@code delay}. Never blocks; callable from
	 * any thread. Pending timers are cancelled when the queue closes.
	 * @param delay how long to wait; zero runs it at the reactor's next turn
	 * @param task the task
	 * @return a handle whose {@link Cancellable#cancel()} prevents the run if it has not started
	 * @throws NullPointerException if an argument is {@code null}
	 * @throws IllegalArgumentException if {@code delay} is negative
	 * @throws RejectedExecutionException if the queue is closed and the policy is {@link OverflowPolicy#REJECT};
	 * under the other policies a closed queue returns an already-dropped handle and counts the task as discarded
	 */
	public Cancellable schedule(Duration delay, Runnable task) {
		Objects.requireNonNull(delay, "delay");
		Objects.requireNonNull(task, "task");
		if (delay.isNegative()) {
			throw new IllegalArgumentException("delay must not be negative, was " + delay);
		}
		if (this.state >= CLOSING) {
			return refuseTimer();
		}
		long nanos = saturatedNanos(delay);
		Timers.Timer timer = this.timers.add(System.nanoTime() + nanos, task);
		if (this.state >= CLOSING && timer.cancel()) {
			return refuseTimer();
		}
		if (this.signal.wakeIfSleeping() && this.reactorDead.get()) {
			restartDeadReactor();
		}
		return timer;
	}

	private Cancellable refuseTimer() {
		if (this.overflowPolicy == OverflowPolicy.REJECT) {
			this.rejected.increment();
			throw new RejectedExecutionException("Queue '" + this.name + "' is closed; timer rejected");
		}
		this.discarded.increment();
		return () -> false;
	}

	private static long saturatedNanos(Duration delay) {
		try {
			return delay.toNanos();
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE / 2;
		}
	}

	/**
	 * Whether the calling thread is this queue's reactor thread.
	 * @return {@code true} only on the reactor thread
	 */
	public boolean isReactorThread() {
		return Thread.currentThread() == this.reactorThread;
	}

	/**
	 * Takes a snapshot of the counters. Lock-free; callable from any thread, as often as a metrics
	 * scraper likes. {@link Stats#currentTaskRunningFor()} is exact for the first task of each batch and
	 * for every 64th; for other tasks it counts from the first time a {@code stats()} call saw the reactor
	 * in that task, so a stall shows from the second call on.
	 * @return the current counters
	 */
	public Stats stats() {
		long now = System.nanoTime();
		int size = this.ring.size();
		int current = this.state;
		Thread thread = this.reactorThread;
		boolean running = current == RUNNING && thread != null && thread.isAlive();
		return new Stats(this.name, size, this.ring.capacity(), this.ring.currentProducerIndex(),
				this.reactor.dispatched(), this.rejected.sum(), this.callerRuns.sum(), this.discarded.sum(),
				this.failed.sum(), this.signal.wakeups(), this.reactorRestarts.get(), running, current >= CLOSING,
				Duration.ofNanos(this.reactor.oldestTaskAgeNanos(now, size)),
				Duration.ofNanos(running || current == CLOSING ? this.reactor.currentTaskRunningNanos(now) : 0));
	}

	/**
	 * The reactor thread, for diagnostics (its state and stack in a health check); empty before
	 * {@link #start()}. Do not interrupt or otherwise manage it: the queue does.
	 * @return the current reactor thread, if one was started
	 */
	public Optional<Thread> reactorThread() {
		return Optional.ofNullable(this.reactorThread);
	}

	/**
	 * The queue's name: the reactor thread's name and the metrics' {@code name} tag.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * How many tasks are queued now: the ring's size, read from its two indices without a lock and without
	 * allocating (cheaper than {@link #stats()}, for a caller that checks occupancy on every submission).
	 * Wait-free; callable from any thread. Approximate while producers and the reactor are moving.
	 * @return tasks queued now, between 0 and {@link #capacity()}
	 */
	public int size() {
		return this.ring.size();
	}

	/**
	 * The most tasks the queue holds: the configured capacity rounded up to a power of two.
	 * @return the capacity
	 */
	public int capacity() {
		return this.ring.capacity();
	}

	/**
	 * What {@link #execute} does when the queue cannot accept a task.
	 * @return the policy
	 */
	public OverflowPolicy overflowPolicy() {
		return this.overflowPolicy;
	}

	/**
	 * Whether {@link #close(Duration)} has been called.
	 * @return {@code true} once closing has begun
	 */
	public boolean isClosed() {
		return this.state >= CLOSING;
	}

	/**
	 * Stops accepting tasks, lets the reactor run what is queued for up to {@code timeout}, stops it, and
	 * returns the accepted tasks that did not run, in order. Returns after the timeout even if a task is
	 * stuck; the reactor then stops as soon as that task returns and runs none of the returned tasks.
	 * Pending timers are cancelled. Blocks the caller for at most {@code timeout} (plus the time to drain
	 * the ring into the list, and a grace period for each slot left unfilled by a producer that died of a
	 * {@link StackOverflowError} inside an offer); called from a task on the reactor, it does not wait. Idempotent: later
	 * calls return an empty list at once.
	 * @param timeout how long queued tasks may still run
	 * @return the tasks that did not run, oldest first; never {@code null}
	 * @throws IllegalArgumentException if {@code timeout} is negative
	 */
	public List<Runnable> close(Duration timeout) {
		Objects.requireNonNull(timeout, "timeout");
		if (timeout.isNegative()) {
			throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
		}
		int previous;
		do {
			previous = this.state;
			if (previous >= CLOSING) {
				return List.of();
			}
		}
		while (!STATE.compareAndSet(this, previous, CLOSING));
		Thread thread = this.reactorThread;
		boolean onReactor = thread == Thread.currentThread();
		if (previous == RUNNING && thread != null && !onReactor) {
			this.signal.wakeIfSleeping();
			awaitExit(thread, timeout);
		}
		this.state = TERMINATED;
		this.reactor.awaitNotPolling();
		List<Runnable> notRun = new ArrayList<>();
		drainAsConsumer(thread, notRun::add);
		if (thread == null || !thread.isAlive() || onReactor) {
			this.timers.cancelAll();
			if (!onReactor) {
				this.signal.close();
			}
		}
		return notRun;
	}

	/**
	 * {@link #close(Duration)} with {@link #DEFAULT_CLOSE_TIMEOUT}; logs, through {@link System.Logger},
	 * how many tasks did not run.
	 */
	@Override
	public void close() {
		List<Runnable> notRun = close(DEFAULT_CLOSE_TIMEOUT);
		if (!notRun.isEmpty()) {
			LOG.log(System.Logger.Level.WARNING, "Queue ''{0}'' closed with {1} task(s) that did not run", this.name,
					notRun.size());
		}
		else {
			LOG.log(System.Logger.Level.DEBUG, "Queue ''{0}'' closed with 0 tasks left", this.name);
		}
	}

	private static void awaitExit(Thread thread, Duration timeout) {
		try {
			TimeUnit.NANOSECONDS.timedJoin(thread, saturatedNanos(timeout));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt(); // stop waiting, keep the status for our caller
		}
	}

	// ---- consumer hand-over ---------------------------------------------------------------------------

	/**
	 * Polls the ring as its consumer, taking the role over from {@code previousOwner} (a reactor that
	 * exited or is stuck in a task after {@code TERMINATED}), or from nobody. Non-blocking: if another
	 * thread holds the role, it returns and that thread re-checks the ring after letting go. At a claimed
	 * but unfilled head slot it spins until the producer fills it, or, if a producer died inside an offer,
	 * until {@link TaskRing.HoleWatch} declares the slot dead and it plugs it as the reactor would: without
	 * that, a dead producer's hole would keep {@code close} (and a rescuing producer) spinning forever.
	 */
	private void drainAsConsumer(Thread previousOwner, Consumer<Runnable> sink) {
		Thread me = Thread.currentThread();
		boolean owned = (previousOwner != null && this.consumer.compareAndSet(previousOwner, me))
				|| this.consumer.compareAndSet(null, me) || this.consumer.get() == me;
		while (owned) {
			try {
				TaskRing.HoleWatch holeWatch = new TaskRing.HoleWatch();
				while (true) {
					Object element = this.ring.relaxedPoll();
					if (element != null) {
						if (element != Reactor.HOLE_MARKER) {
							sink.accept(SampledTask.unwrap(element));
						}
					}
					else if (this.ring.isEmpty()) {
						break;
					}
					else if (!skipDeadHole(holeWatch)) {
						Thread.onSpinWait();
					}
				}
			}
			finally {
				this.consumer.set(null);
			}
			// Dekker with producers: they enqueue, then try to take the role; we let go, then look again.
			owned = !this.ring.isEmpty() && this.consumer.compareAndSet(null, me);
		}
	}

	private void runRescued(Runnable task) {
		this.callerRuns.increment();
		runSafely(task);
	}

	// ---- reactor thread management -------------------------------------------------------------------

	private void launchReactor(boolean restart) {
		Thread thread = this.threadFactory.newThread(this.reactor);
		if (thread == null) {
			this.reactorDead.set(true);
			this.signal.requestWake();
			throw new IllegalStateException("The thread factory of queue '" + this.name + "' returned null");
		}
		this.consumer.set(thread);
		this.reactorThread = thread;
		if (restart) {
			this.reactorRestarts.incrementAndGet();
		}
		try {
			thread.start();
		}
		catch (Throwable ex) {
			this.consumer.compareAndSet(thread, null);
			this.reactorDead.set(true);
			this.signal.requestWake();
			throw ex;
		}
	}

	private Thread newReactorThread(Runnable runnable) {
		Thread thread = new Thread(runnable, this.name);
		thread.setDaemon(true);
		return thread;
	}

	/** Called by the reactor thread as it leaves its loop. */
	void reactorExited(boolean crashed) {
		Thread me = Thread.currentThread();
		if (crashed && this.state == RUNNING) {
			try {
				launchReactor(true);
				return;
			}
			catch (Throwable ex) {
				LOG.log(System.Logger.Level.ERROR, "Could not restart the reactor of queue '" + this.name
						+ "'; the next task submitted will try again", ex);
				return;
			}
		}
		if (!crashed) {
			this.timers.cancelAll();
		}
		this.consumer.compareAndSet(me, null);
		if (this.state == TERMINATED) {
			this.signal.close(); // the closer gave up waiting for us; we are the last user of the selector
		}
	}

	private void restartDeadReactor() {
		if (this.state == RUNNING && this.reactorDead.compareAndSet(true, false)) {
			try {
				launchReactor(true);
			}
			catch (Throwable ex) {
				LOG.log(System.Logger.Level.ERROR, "Could not restart the reactor of queue '" + this.name + "'", ex);
			}
		}
	}

	// ---- helpers used by the reactor ------------------------------------------------------------------

	int state() {
		return this.state;
	}

	/**
	 * The one rule for a claimed-but-empty head slot, used by whoever is the ring's consumer (the reactor,
	 * or the closer): plug it only if a producer reported dying inside an offer and {@code watch} has seen
	 * the slot stay empty for {@link Reactor#HOLE_GRACE_NANOS}. Consumer thread only.
	 * @return whether the slot was plugged (the caller polls again at once)
	 */
	boolean skipDeadHole(TaskRing.HoleWatch watch) {
		if (watch.isDead(this.ring, System.nanoTime(), Reactor.HOLE_GRACE_NANOS) && this.producerDiedInOffer
				&& this.ring.fillHoleAtHead(Reactor.HOLE_MARKER)) {
			this.holesSkipped.incrementAndGet();
			LOG.log(System.Logger.Level.ERROR, "Queue ''{0}'' skipped a slot that a producer claimed and never "
					+ "filled (it died of a StackOverflowError inside offer); that producer's task is lost", this.name);
			return true;
		}
		return false;
	}

	long holesSkipped() {
		return this.holesSkipped.get();
	}

	void selectorRebuilt() {
		this.reactorRestarts.incrementAndGet();
	}

	void runLoopHook() {
		Runnable hook = this.loopHook;
		if (hook != null) {
			hook.run();
		}
	}

	/** Runs a task, catching and reporting everything it throws. Never throws. */
	void runSafely(Runnable task) {
		try {
			task.run();
		}
		catch (Throwable ex) {
			this.failed.increment();
			try {
				this.errorHandler.handle(task, ex);
			}
			catch (Throwable handlerFailure) {
				handlerFailure.addSuppressed(ex);
				LOG.log(System.Logger.Level.ERROR, "Error handler of queue '" + this.name + "' failed", handlerFailure);
			}
		}
	}

	private void logFailure(Runnable task, Throwable error) {
		LOG.log(System.Logger.Level.ERROR, "Task " + task + " failed in queue '" + this.name + "'", error);
	}

	@Override
	public String toString() {
		return "SelectorWakeQueue[" + this.name + "]";
	}

	/**
	 * Builds a {@link SelectorWakeQueue}. Not thread-safe; each setter checks its argument at once and
	 * throws {@link IllegalArgumentException} naming the parameter and the bad value.
	 */
	public static final class Builder {

		private String name = DEFAULT_NAME;

		private int capacity = DEFAULT_CAPACITY;

		private OverflowPolicy overflowPolicy = OverflowPolicy.CALLER_RUNS;

		private TaskErrorHandler errorHandler;

		private ThreadFactory threadFactory;

		private TaskTimings taskTimings;

		private int sampleEvery = 1;

		private Builder() {
		}

		/**
		 * Sets the reactor thread's name and the metrics' {@code name} tag. Default {@value SelectorWakeQueue#DEFAULT_NAME}.
		 * @param name a non-blank name
		 * @return this builder
		 */
		public Builder name(String name) {
			if (name == null || name.isBlank()) {
				throw new IllegalArgumentException("name must not be blank, was " + (name == null ? "null" : "'" + name + "'"));
			}
			this.name = name;
			return this;
		}

		/**
		 * Sets the most tasks the queue holds, between 1 and 2^30 (default 65536). The ring is allocated
		 * up front (so {@code offer} never allocates) and its size is rounded up to a power of two, at
		 * least 2: about 4 bytes per slot with compressed references.
		 * @param capacity the capacity
		 * @return this builder
		 */
		public Builder capacity(int capacity) {
			if (capacity < 1 || capacity > MAX_CAPACITY) {
				throw new IllegalArgumentException("capacity must be between 1 and " + MAX_CAPACITY + ", was " + capacity);
			}
			this.capacity = capacity;
			return this;
		}

		/**
		 * Sets what {@code execute} does when the queue is full or closed. Default {@link OverflowPolicy#CALLER_RUNS}.
		 * @param overflowPolicy the policy
		 * @return this builder
		 */
		public Builder overflowPolicy(OverflowPolicy overflowPolicy) {
			if (overflowPolicy == null) {
				throw new IllegalArgumentException("overflowPolicy must not be null, was null");
			}
			this.overflowPolicy = overflowPolicy;
			return this;
		}

		/**
		 * Sets who hears about task failures. Default: logs them at ERROR through {@link System.Logger}.
		 * @param errorHandler the handler
		 * @return this builder
		 */
		public Builder errorHandler(TaskErrorHandler errorHandler) {
			if (errorHandler == null) {
				throw new IllegalArgumentException("errorHandler must not be null, was null");
			}
			this.errorHandler = errorHandler;
			return this;
		}

		/**
		 * Sets the factory of the reactor thread (called once at start and again for each restart). It
		 * should return an unstarted platform thread. Default: a daemon thread named after the queue.
		 * @param threadFactory the factory
		 * @return this builder
		 */
		public Builder threadFactory(ThreadFactory threadFactory) {
			if (threadFactory == null) {
				throw new IllegalArgumentException("threadFactory must not be null, was null");
			}
			this.threadFactory = threadFactory;
			return this;
		}

		/**
		 * Times 1 in {@code sampleEvery} tasks (wait and run time) and reports them to {@code taskTimings}
		 * on the reactor thread. Off by default.
		 * @param taskTimings the receiver
		 * @param sampleEvery 1 to time every task, N to time one task in N on average
		 * @return this builder
		 */
		public Builder taskTimings(TaskTimings taskTimings, int sampleEvery) {
			if (taskTimings == null) {
				throw new IllegalArgumentException("taskTimings must not be null, was null");
			}
			if (sampleEvery < 1) {
				throw new IllegalArgumentException("sampleEvery must be at least 1, was " + sampleEvery);
			}
			this.taskTimings = taskTimings;
			this.sampleEvery = sampleEvery;
			return this;
		}

		/**
		 * Builds the queue: allocates its ring and opens its pipe and selector. Does not start it.
		 * @return a new queue, not started
		 * @throws java.io.UncheckedIOException if the pipe or selector cannot be opened
		 */
		public SelectorWakeQueue build() {
			return new SelectorWakeQueue(this);
		}

	}

}
