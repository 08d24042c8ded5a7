package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

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

	static {
		TaskRing.warmUp();
	}

	private final String name;

	private final OverflowPolicy overflowPolicy;

	private final TaskTimings taskTimings;

	private final int sampleEvery;

	private final Clock clock;

	private final QueueState state = new QueueState();

	private final ConsumerRole consumer = new ConsumerRole();

	private final TaskRing ring;

	private final WakeSignal signal;

	private final Timers timers = new Timers();

	private final TaskRunner runner;

	private final CallerRuns callerRunsRunner;

	private final ReactorProbe probe;

	private final ReactorSupervisor supervisor;

	private final LaneRuntime laneRuntime;

	private final LaneMonitor laneMonitor;

	private final LaneDispatcher dispatcher;

	private final QueueThreads threads = new QueueThreads();

	private final Quiescence quiescence;

	private final Overflow overflow;

	private final QueueLog log;

	private final LongAdder rejected = new LongAdder();

	private final LongAdder callerRuns = new LongAdder();

	private final LongAdder discarded = new LongAdder();

	private SelectorWakeQueue(Builder builder) {
		this.name = builder.name;
		this.overflowPolicy = builder.overflowPolicy;
		this.taskTimings = builder.taskTimings;
		this.sampleEvery = builder.sampleEvery;
		this.clock = builder.clock;
		this.log = new QueueLog(builder.logger);
		this.ring = new TaskRing(Math.max(2, builder.capacity), this.name, this.clock, this.log);
		this.signal = new WakeSignal(this.name, builder.selectorIo, this.log);
		this.runner = new TaskRunner(this.name, builder.errorHandler, this.taskTimings, this.log);
		this.callerRunsRunner = new CallerRuns(this.runner);
		this.probe = new ReactorProbe(this.clock);
		LaneWorkers workers = new LaneWorkers(this.name, builder.laneSettings.workers(), this.state, this.runner,
				this.clock, builder.laneSettings.maxBacklog(), this::wakeReactor, this.threads, builder.internalThreads,
				this.log);
		this.laneRuntime = new LaneRuntime(this.name, builder.laneSettings, this.clock, this.runner, this.state,
				workers, this.log);
		this.overflow = new Overflow(builder.laneSettings.maxBacklog());
		LaneDispatcher dispatcher = new LaneDispatcher(this.laneRuntime, this.overflow);
		Reactor reactor = new Reactor(this.state, this.ring, this.signal, this.timers, this.runner, this.probe,
				this.clock, dispatcher, this.laneRuntime, this.overflow);
		this.supervisor = new ReactorSupervisor(this.name, builder.threadFactory, reactor, this.state, this.consumer,
				this.signal, this.threads, this.log);
		HandOff handOff = new HandOff(this.laneRuntime, this.supervisor, this.probe, dispatcher);
		dispatcher.handOffWith(handOff);
		this.laneMonitor = new LaneMonitor(this.name, this.laneRuntime, handOff, this.supervisor, this.probe,
				builder.internalThreads, this.log);
		this.dispatcher = dispatcher;
		this.quiescence = new Quiescence(this.ring, this.overflow, this.probe, this.laneRuntime, this.state,
				this.threads);
	}

	/**
	 * Starts building a queue.
	 * @return a builder with every default set
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Starts the reactor thread. Idempotent: later calls do nothing, unless the first could not start the reactor
	 * thread, in which case they try again. Tasks accepted before it run now.
	 * @throws IllegalStateException if the queue has been closed, or the thread factory returned {@code null};
	 * whatever the thread factory or {@code Thread.start()} threw (tasks accepted meanwhile wait for a later
	 * {@code start})
	 */
	public void start() {
		this.state.start(this.name);
		this.supervisor.start();
	}

	/**
	 * Appends a task if there is room. Never blocks and never applies the {@link OverflowPolicy}.
	 * Lock-free: one CAS on the ring, plus, if the reactor is asleep and no other producer has woken it
	 * yet, one non-blocking pipe write. Callable from any thread, including the reactor; the caller's
	 * interrupt status is left as it is.
	 * <p>
	 * One rare exception to "runs on the reactor": an offer that wins its race with {@link #close(Duration)} by a
	 * hair, appending after {@code close} has collected what is left, finds nobody left to run it. Rather than lose
	 * an accepted task, this caller then runs it, and any other task stranded the same way, before returning
	 * (counted in {@code callerRuns}). Code that must never run tasks on its own thread closes the queue only
	 * after its producers have stopped.
	 * @param task the task to run on the reactor thread
	 * @return {@code true} if the task was accepted (it will run, or be returned by {@link #close(Duration)}),
	 * {@code false} if the queue is full or closed
	 * @throws NullPointerException if {@code task} is {@code null}
	 */
	public boolean offer(Runnable task) {
		Objects.requireNonNull(task, "task");
		if (this.state.isClosing() || !this.overflow.isEmpty()) {
			return false; // closing, or fan-outs wait in order behind a full ring: nothing may overtake them
		}
		if (!this.ring.offer((this.taskTimings != null) ? maybeSample(task) : task)) {
			return false;
		}
		// Accepted: from here on nothing may escape, or the caller would submit the task again.
		try {
			int state = this.state.word(); // after the ring's CAS: see Quiescence for the pair this read is half of
			if (QueueState.isTerminated(state)) {
				// close() finished while we were enqueueing: nobody else will poll; run what is stranded.
				rescueStranded();
			}
			else {
				if (QueueState.hasWaiters(state)) {
					this.quiescence.accepted();
				}
				this.signal.wakeIfSleeping();
			}
		}
		catch (Throwable ex) {
			// A stack overflow or an out-of-memory error on the wake path. The task is queued: the next producer
			// wakes the reactor, and its longest sleep bounds the delay.
			this.signal.requestWake();
		}
		return true;
	}

	/**
	 * Appends a fan-out, or, if the ring is full (or fan-outs already wait behind it), keeps it in order behind the
	 * ring, as {@link #execute} does under {@link OverflowPolicy#CALLER_RUNS}: each of its lanes must have room for
	 * one more part ({@link Builder#laneThresholds} {@code maxBacklog}, counting those already waiting). Never runs it
	 * on the calling thread and never applies the policy; never blocks (lock-free, one allocation when it waits behind
	 * the ring). For a caller that handles refusal itself, as the Spring event routing does.
	 * @param fanOut the fan-out
	 * @return {@code true} if accepted (its parts will run in their lanes, in order, or come back from
	 * {@link #close(Duration)}); {@code false} if the queue is closed, or full and one of its lanes is at its limit
	 * (or the fan-out cannot say what its lanes are)
	 * @throws NullPointerException if {@code fanOut} is {@code null}
	 */
	public boolean offerInOrder(FanOut fanOut) {
		if (offer(fanOut)) {
			return true;
		}
		if (this.state.isClosing() || !this.overflow.tryAppend(fanOut)) {
			return false;
		}
		acceptedIntoOverflow();
		return true;
	}

	/** A fan-out waits in the overflow now: as for an accepted offer, follow it if somebody waits, and wake. */
	private void acceptedIntoOverflow() {
		try {
			int state = this.state.word();
			if (QueueState.isTerminated(state)) {
				rescueStranded();
				return;
			}
			if (QueueState.hasWaiters(state)) {
				this.quiescence.accepted();
			}
			this.signal.wakeIfSleeping();
		}
		catch (Throwable ex) {
			this.signal.requestWake();
		}
	}

	/** Wakes the reactor if it sleeps; what the wake-up path throws is dropped (the reactor's longest sleep bounds it). */
	private void wakeGuarded() {
		try {
			this.signal.wakeIfSleeping();
		}
		catch (Throwable ex) {
			this.signal.requestWake();
		}
	}

	/** Wakes the reactor if it sleeps (for lanes: room in a full lane, or a lane idle while closing). */
	private void wakeReactor() {
		this.signal.wakeIfSleeping();
	}

	private Object maybeSample(Runnable task) {
		if (this.sampleEvery == 1 || ThreadLocalRandom.current().nextInt(this.sampleEvery) == 0) {
			return new SampledTask(task, this.clock.nanoTime());
		}
		return task;
	}

	/**
	 * Runs the task on the reactor thread, or, if the queue cannot accept it, applies the
	 * {@link OverflowPolicy}. Never blocks (see {@link #offer}). On the reactor thread a full queue runs the
	 * task inline whatever the policy.
	 * <p>A {@link FanOut} that finds the ring full under {@link OverflowPolicy#CALLER_RUNS} (or submitted on the
	 * reactor thread, under any policy) is not run on the calling thread: it waits in order behind the ring, and
	 * the queue counts as full ({@code offer} refuses) until it has been dispatched, so each lane still gets its
	 * parts one at a time, in the order the queue accepted them. Each of its lanes must have room for one more part
	 * ({@link Builder#laneThresholds} {@code maxBacklog}, counting those already waiting this way); if one has not, or
	 * the fan-out cannot say what its lanes are, the policy applies after all. Such fan-outs count in
	 * {@link Stats#overflowed()}, {@link Stats#enqueued()} and {@link Stats#size()}.
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
		boolean closed = this.state.isClosing();
		if (!closed && task instanceof FanOut fanOut && (this.overflowPolicy == OverflowPolicy.CALLER_RUNS
				|| isReactorThread()) && this.overflow.tryAppend(fanOut)) {
			acceptedIntoOverflow();
			return;
		}
		if (!closed && isReactorThread()) {
			this.callerRuns.increment();
			this.callerRunsRunner.run(task);
			return;
		}
		switch (this.overflowPolicy) {
			case CALLER_RUNS -> {
				this.callerRuns.increment();
				this.callerRunsRunner.run(task);
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
		if (this.state.isClosing()) {
			return refuseTimer();
		}
		Timers.Timer timer = this.timers.add(this.clock.nanoTime(), clampedNanos(delay), task);
		if (this.state.isClosing() && timer.cancel()) {
			return refuseTimer();
		}
		this.signal.wakeIfSleeping();
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

	/** A duration in nanoseconds, at most {@link Timers#MAX_DELAY_NANOS} (about 73 years). */
	private static long clampedNanos(Duration duration) {
		return (duration.compareTo(Timers.MAX_DELAY) > 0) ? Timers.MAX_DELAY_NANOS : duration.toNanos();
	}

	/**
	 * The lane of that name, created on first use (see {@link Lane}); submit work to it through a {@link FanOut}.
	 * Lock-free once the lane exists; the first call for a name also tells the lane observers, on the calling
	 * thread. Lanes are few and long-lived (one per listener, say): the name is a metric tag.
	 * @param name a non-blank, bounded name
	 * @return the lane
	 * @throws IllegalArgumentException if the name is blank
	 */
	public Lane lane(String name) {
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException("lane name must not be blank, was " + (name == null ? "null" : "'" + name + "'"));
		}
		Lane lane = this.laneRuntime.lane(name);
		if (this.laneRuntime.enabled) {
			this.laneMonitor.startOnce();
		}
		return lane;
	}

	/**
	 * The lanes created so far.
	 * @return a snapshot, in no particular order
	 */
	public List<Lane> lanes() {
		return this.laneRuntime.lanes();
	}

	/**
	 * Tells {@code observer} of every lane that exists now and of every lane created or forgotten later (see
	 * {@link LaneObserver} for which thread calls it), so that metrics can follow lanes as they come and go. The
	 * observer must be quick and must not block; what it throws is logged and ignored.
	 * @param observer the observer
	 */
	public void observeLanes(LaneObserver observer) {
		this.laneRuntime.observe(Objects.requireNonNull(observer, "observer"));
	}

	/**
	 * Waits until the queue is quiescent with respect to this call: every task accepted before it, every part of
	 * every fan-out among them (in its lane, on the reactor or on a worker), and everything those tasks and parts
	 * submitted to this queue in turn (an event re-published by a listener, a follow-up task), and so on down the
	 * chain, has run. For tests and orderly hand-overs; not for the hot path.
	 * <ul>
	 * <li>Work submitted later by other threads does not count: producers that keep submitting do not hold the
	 * wait up, except where their work sits in the ring ahead of a follow-up that counts.</li>
	 * <li>Timers do not count until they are due and have submitted something; a timer due later is not waited for.
	 * Work a task hands to another executor, which submits it from there, is not followed.</li>
	 * <li>Tasks run by the overflow policy ran before their {@code execute} returned; tasks of a queue not yet
	 * started wait for {@link #start()}.</li>
	 * <li>Closed: once {@link #close(Duration)} has finished, what it returned will not run here; the wait returns
	 * {@code true} as soon as no part runs on a lane worker or a handed-off thread any more.</li>
	 * </ul>
	 * Cheap when idle (a few volatile reads, then it returns); otherwise it looks again after pauses that grow to
	 * 1 ms. Costs producers nothing while nobody waits.
	 * @param timeout how long to wait at most
	 * @return {@code true} once quiescent, {@code false} if the timeout passed first (a listener still running, say)
	 * @throws InterruptedException if the calling thread is interrupted while waiting
	 * @throws IllegalStateException if called on the reactor thread or a lane worker of this queue: it would wait
	 * for itself
	 * @throws IllegalArgumentException if {@code timeout} is negative
	 */
	public boolean awaitQuiescence(Duration timeout) throws InterruptedException {
		Objects.requireNonNull(timeout, "timeout");
		if (timeout.isNegative()) {
			throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
		}
		if (this.threads.isCurrent()) {
			throw new IllegalStateException("awaitQuiescence was called on " + Thread.currentThread().getName()
					+ ", a thread of queue '" + this.name + "' (its reactor or a lane worker): it would wait for itself. "
					+ "Call it from a thread that is not running the queue's work");
		}
		return this.quiescence.await(clampedNanos(timeout));
	}

	/**
	 * Whether the calling thread is this queue's reactor thread.
	 * @return {@code true} only on the reactor thread
	 */
	public boolean isReactorThread() {
		return this.supervisor.isReactorThread();
	}

	/**
	 * Takes a snapshot of the counters. Lock-free; callable from any thread, as often as a metrics
	 * scraper likes. {@link Stats#currentTaskRunningFor()} is exact for the first task of each batch and
	 * for every 64th; for other tasks it counts from the first time a {@code stats()} call saw the reactor
	 * in that task, so a stall shows from the second call on.
	 * @return the current counters
	 */
	public Stats stats() {
		long now = this.clock.nanoTime();
		int size = this.ring.size() + this.overflow.size();
		int current = this.state.get();
		boolean running = current == QueueState.RUNNING && this.supervisor.isAlive();
		return new Stats(this.name, size, this.ring.capacity(),
				this.ring.currentProducerIndex() + this.overflow.appended(),
				this.probe.dispatched() + this.dispatcher.cutShort.get(),
				this.rejected.sum(), this.callerRuns.sum(), this.discarded.sum(), this.runner.failed(),
				this.signal.wakeups(), this.supervisor.restarts(), this.signal.rebuilds(), this.ring.tasksLost(),
				this.supervisor.handOffs(), this.laneRuntime.workers.compensations(), this.overflow.appended(),
				running, current >= QueueState.CLOSING, Duration.ofNanos(this.probe.oldestTaskAgeNanos(now, size)),
				Duration.ofNanos((running || current == QueueState.CLOSING) ? this.probe.currentTaskRunningNanos(now) : 0));
	}

	/**
	 * The reactor thread, for diagnostics (its state and stack in a health check); empty before
	 * {@link #start()}. Do not interrupt or otherwise manage it: the queue does.
	 * @return the current reactor thread, if one was started
	 */
	public Optional<Thread> reactorThread() {
		return Optional.ofNullable(this.supervisor.thread());
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
	 * allocating (cheaper than {@link #stats()}, for a caller that checks occupancy on every submission), plus the
	 * fan-outs waiting in order behind a full ring (see {@link #execute}). Wait-free; callable from any thread.
	 * Approximate while producers and the reactor are moving.
	 * @return tasks queued now: between 0 and {@link #capacity()}, more only while fan-outs wait behind the ring
	 */
	public int size() {
		return this.ring.size() + this.overflow.size();
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
		return this.state.isClosing();
	}

	/**
	 * Stops accepting tasks, lets the reactor (and the lanes' workers) run what is queued for up to
	 * {@code timeout}, stops them, and returns the accepted tasks that did not run, in order, followed by the tasks
	 * of timers that were not due yet (cancelled, earliest first): nothing accepted is silently lost. Returns after
	 * the timeout even if a task is stuck; the reactor then stops as soon as that task returns and runs none of the
	 * returned tasks. Blocks the caller for at most {@code timeout} (plus the time to drain the ring into the list,
	 * and one grace period of a second if a producer claimed a slot and has not filled it: it died of a
	 * {@link StackOverflowError} inside its offer, or is paused; the slot is skipped, and a paused producer's offer
	 * then returns {@code false}); called from a task on the reactor, it does not wait. The caller's interrupt
	 * status does not cut the wait short: a close called on an interrupted thread (a shutdown hook, say) still lets
	 * the queue drain for the whole timeout, and the status is set again when it returns. Idempotent: later calls
	 * return an empty list at once.
	 * @param timeout how long queued tasks may still run
	 * @return the tasks that did not run, oldest first, then those of the timers not yet due; never {@code null}
	 * @throws IllegalArgumentException if {@code timeout} is negative
	 */
	public List<Runnable> close(Duration timeout) {
		Objects.requireNonNull(timeout, "timeout");
		if (timeout.isNegative()) {
			throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
		}
		int previous = this.state.beginClose();
		if (previous < 0) {
			return List.of();
		}
		boolean onReactor = isReactorThread();
		if (previous == QueueState.RUNNING && !onReactor) {
			wakeGuarded();
			this.supervisor.awaitExit(System.nanoTime() + clampedNanos(timeout));
		}
		this.state.terminate();
		wakeGuarded(); // a reactor asleep now (it gave up draining, or was handed a stuck part) ends at once
		this.probe.awaitNotPolling();
		// The role first: a hand-off that commits now leaves the rest of its fan-out where the holder of the role
		// after it finds it (see HandOff).
		boolean consumer = this.consumer.takeForCloser();
		// Oldest first, lane by lane: what waits in the lanes' backlogs, then the rest of a half-dispatched fan-out,
		// then what was never taken from the ring, then the timers not yet due.
		List<Runnable> notRun = new ArrayList<>(this.laneRuntime.drainBacklogs());
		notRun.addAll(this.dispatcher.leftovers());
		if (consumer) {
			drainAsConsumer(notRun::add);
		}
		notRun.addAll(this.timers.cancelPending());
		this.laneRuntime.workers.shutdown();
		Thread thread = this.supervisor.thread();
		if (!onReactor && (thread == null || !thread.isAlive())) {
			this.signal.close();
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

	/**
	 * A producer whose offer raced with the end of {@code close}: if nobody holds the consumer role, take it and
	 * run what is stranded on this thread (counted as caller-runs). If somebody does, they look again after
	 * letting go.
	 */
	private void rescueStranded() {
		if (this.consumer.takeIfFree()) {
			drainAsConsumer(this::runRescued);
		}
	}

	/**
	 * Polls the ring, then the overflow, as their consumer; the caller holds the role. Non-blocking: after letting go of the role, it
	 * looks again and takes the role back only if nobody holds it (another thread that holds it re-checks the ring
	 * itself). At a claimed but unfilled head slot it spins until the producer fills it or the ring's dead-slot
	 * rule plugs it: without that rule, a dead producer's hole would keep {@code close} (and a rescuing producer)
	 * spinning forever.
	 */
	private void drainAsConsumer(Consumer<Runnable> sink) {
		Thread me = Thread.currentThread();
		boolean owned = true;
		while (owned) {
			try {
				while (true) {
					Object element = this.ring.poll(true);
					if (element != null) {
						sink.accept(SampledTask.unwrap(element));
					}
					else if (this.ring.isEmpty()) {
						FanOut overflowed = this.overflow.poll(); // behind the ring, as the reactor takes them
						if (overflowed == null) {
							break;
						}
						sink.accept(overflowed);
					}
					else {
						Thread.onSpinWait();
					}
				}
			}
			finally {
				this.consumer.release(me);
			}
			// Dekker with producers: they enqueue, then try to take the role; we let go, then look again.
			owned = (!this.ring.isEmpty() || !this.overflow.isEmpty()) && this.consumer.takeIfFree();
		}
	}

	private void runRescued(Runnable task) {
		this.callerRuns.increment();
		this.callerRunsRunner.run(task);
	}

	/** The wake signal, for tests of the pipe. */
	WakeSignal wakeSignal() {
		return this.signal;
	}

	/** The ring, for tests of the dead-slot rule. */
	TaskRing ring() {
		return this.ring;
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

		private Clock clock = Clock.SYSTEM;

		private SelectorIo selectorIo = SelectorIo.DEFAULT;

		private LaneSettings laneSettings = LaneSettings.DEFAULTS;

		private System.Logger logger = System.getLogger(SelectorWakeQueue.class.getName());

		private InternalThreads internalThreads = InternalThreads.DEFAULT;

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
		 * Whether {@link Lane}s may leave the reactor (default {@code true}). {@code false} keeps strict
		 * single-thread delivery: every part of every {@link FanOut} runs inline on the reactor, one at a time,
		 * in order, however slow.
		 * @param enabled whether slow or stuck lanes move to worker threads
		 * @return this builder
		 */
		public Builder lanes(boolean enabled) {
			this.laneSettings = new LaneSettings(enabled, this.laneSettings.slowThreshold(),
					this.laneSettings.stuckThreshold(), this.laneSettings.workers(), this.laneSettings.maxBacklog());
			return this;
		}

		/**
		 * How a lane leaves the reactor. Defaults: slow above 250 µs per part, stuck after 100 ms, 16 workers,
		 * 10,000 parts of backlog per lane.
		 * @param slowThreshold a lane whose smoothed cost per part exceeds this moves to a worker; positive
		 * @param stuckThreshold a part running on the reactor for longer than this keeps its thread and a new
		 * reactor thread carries on; positive
		 * @param workers most worker threads at once, from 1 to 10,000
		 * @param maxBacklog most parts waiting in one lane before it holds the reactor back, at least 1
		 * @return this builder
		 */
		public Builder laneThresholds(Duration slowThreshold, Duration stuckThreshold, int workers, int maxBacklog) {
			requirePositive("slowThreshold", slowThreshold);
			requirePositive("stuckThreshold", stuckThreshold);
			if (workers < 1 || workers > 10_000) {
				throw new IllegalArgumentException("workers must be between 1 and 10000, was " + workers);
			}
			if (maxBacklog < 1) {
				throw new IllegalArgumentException("maxBacklog must be at least 1, was " + maxBacklog);
			}
			this.laneSettings = new LaneSettings(this.laneSettings.enabled(), slowThreshold, stuckThreshold, workers,
					maxBacklog);
			return this;
		}

		private static void requirePositive(String parameter, Duration value) {
			if (value == null || value.isNegative() || value.isZero()) {
				throw new IllegalArgumentException(parameter + " must be a positive duration, was " + value);
			}
		}

		/**
		 * Replaces the queue's clock (test hook, as Netty's {@code Ticker}): deadlines, grace periods and stall
		 * times are read from it instead of {@link System#nanoTime()}.
		 * @param nanoClock a monotonic nanosecond clock; cheap, thread-safe and non-blocking
		 * @return this builder
		 */
		Builder nanoClock(LongSupplier nanoClock) {
			Objects.requireNonNull(nanoClock, "nanoClock");
			this.clock = nanoClock::getAsLong;
			return this;
		}

		/**
		 * Replaces the queue's calls into the JDK's selector and pipe (test hook: a process out of file handles, a
		 * {@code select} that throws, a wake write that fails).
		 * @param selectorIo the calls
		 * @return this builder
		 */
		Builder selectorIo(SelectorIo selectorIo) {
			this.selectorIo = Objects.requireNonNull(selectorIo, "selectorIo");
			return this;
		}

		/**
		 * Replaces the queue's logger (test hook: a logging back-end that throws or blocks). Default: the
		 * {@link System.Logger} named after this class.
		 * @param logger the logger
		 * @return this builder
		 */
		Builder logger(System.Logger logger) {
			this.logger = Objects.requireNonNull(logger, "logger");
			return this;
		}

		/**
		 * Replaces how the lane monitor and lane worker threads are made (test hook: the JVM out of threads).
		 * @param internalThreads makes unstarted threads
		 * @return this builder
		 */
		Builder internalThreads(InternalThreads internalThreads) {
			this.internalThreads = Objects.requireNonNull(internalThreads, "internalThreads");
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
