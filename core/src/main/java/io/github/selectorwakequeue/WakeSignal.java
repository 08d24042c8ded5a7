package io.github.selectorwakequeue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * How the reactor sleeps and how producers wake it: a {@link Selector} that waits on the read end of a
 * non-blocking self-pipe, and a {@link SleepFlag} that lets at most one producer per sleep pay for a
 * wake-up. It owns the selector entirely: sleeping, waking, counting premature returns and rebuilding it.
 *
 * <h2>The coalescing protocol (no lost wake-up, at most one write per sleep)</h2>
 * <pre>
 *   producer                                 reactor
 *   P1  ring.offer(task)   (CAS: full fence)  R1  flag.set(SLEEPING)          (volatile write)
 *   P2  if flag.get() == SLEEPING                R2  if ring/timers not empty or closing:
 *         and flag.getAndSet(AWAKE) == SLEEPING:        flag.set(AWAKE); do not sleep
 *         write one byte to the pipe         R3  select()  (returns at once if a byte is pending)
 *                                            R4  flag.getAndSet(AWAKE); drain the pipe
 * </pre>
 * P1→P2 and R1→R2 are a Dekker pair: all four accesses are sequentially consistent (volatile / CAS), so
 * either the producer's P2 sees {@code SLEEPING} and writes, or the reactor's R2 sees the task and does
 * not sleep; both may happen (a spare byte makes the next {@code select} return early, harmlessly), but
 * never neither. One case needs care: an offer is a claim (a CAS on the producer index) and then a store into the
 * slot (a CAS), and a slot claimed and never filled (its producer died in between) keeps the ring non-empty.
 * When the reactor goes to sleep behind such a hole, its R2 asks whether the head slot now holds an element,
 * not whether the ring is empty (which would keep it spinning), and it sleeps with a short timeout.
 * Only the producer whose {@code getAndSet} moves the flag from {@code SLEEPING} to {@code AWAKE} writes, so
 * there is at most one write per sleep; while the reactor is busy the flag is {@code AWAKE} and producers pay one
 * plain read of a line the reactor rarely writes. Tasks offered by the reactor itself never see {@code SLEEPING}.
 * A wake byte written before {@code select} is not lost: it stays in the pipe and makes the next {@code select}
 * return at once.
 *
 * <h2>Why a self-pipe rather than {@link Selector#wakeup()}</h2>
 * {@code wakeup()} holds the selector's private monitor while it writes its eventfd, and the woken
 * reactor at once contends for that monitor to clear the wake-up: an extra futex sleep and wake per
 * wake-up. A pipe has separate reader and writer locks. Both ends are non-blocking: a non-blocking write
 * from an interrupted thread neither throws nor closes the channel and leaves the thread's interrupt
 * status alone (a blocking write would close the pipe for good with {@code ClosedByInterruptException}).
 * If the write fails anyway, the producer falls back to {@code Selector.wakeup()}.
 *
 * <h2>What a wake costs the producer, and which locks it takes</h2>
 * Nothing is allocated: the byte is written from a direct buffer allocated once (a heap buffer would make the
 * JDK copy it into a temporary direct buffer, which may allocate native memory, call {@code System.gc()}, sleep,
 * and throw {@link OutOfMemoryError}, after the task was accepted). Writers take turns through a CAS flag: a
 * producer that finds another one still writing (a byte for an earlier sleep, which the reactor may already have
 * read) wakes this sleep with {@link Selector#wakeup()} instead, which takes only the selector's private
 * interrupt monitor, for a few instructions; it does not skip the wake-up, and it does not wait. Inside
 * {@code Pipe.SinkChannel.write} the JDK takes the channel's private write lock ({@code ReentrantLock}) and,
 * briefly, its private state monitor; neither is reachable by user code, no user code runs while they are held,
 * and the only other thread that takes them is the one closing the channel (the closer, after every producer was
 * refused), which takes the state monitor and the write lock one after the other, never one inside the other. So a producer holding its own locks cannot be part of a cycle
 * there, and with writers taking turns it never waits for the write lock.
 *
 * <p>One hazard is the JDK's: a {@link StackOverflowError} inside that write can leave the channel's write lock
 * held for ever (its {@code unlock} in a {@code finally} is a call that can overflow again), and the next writer
 * would then wait for ever. So the first {@code StackOverflowError} seen inside a wake write switches the queue,
 * for the rest of its life, to {@link Selector#wakeup()}, which guards its write with a monitor: the JVM releases
 * a monitor on any exception without a call. Wake-ups then cost a few microseconds more.
 *
 * <h2>When the selector breaks</h2>
 * If {@code select} throws (or the JDK's epoll spin bug is detected), the selector is replaced: a new one is
 * opened first and only then swapped in and the old one closed. If no selector can be opened (too many open
 * files), the reactor does not die: it sleeps with {@code LockSupport.parkNanos} instead, producers also unpark
 * it, and it retries opening a selector with a back-off that doubles up to one second.
 */
final class WakeSignal implements AutoCloseable {

	/** Consecutive premature empty selects before the selector is rebuilt (Netty uses the same number). */
	static final int SPIN_THRESHOLD = 512;

	/** Longest wait between attempts to open a selector while none works. */
	static final long MAX_REOPEN_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final VarHandle WRITING;

	static {
		try {
			WRITING = MethodHandles.lookup().findVarHandle(WakeSignal.class, "writing", int.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final SleepFlag flag = new SleepFlag();

	private final Pipe pipe;

	private final SelectorIo io;

	private final QueueLog log;

	/** The byte a wake writes, from native memory; used by one writer at a time (see {@link #writing}). */
	private final ByteBuffer wakeBuffer = ByteBuffer.allocateDirect(1);

	/** 1 while a producer writes {@link #wakeBuffer}; taken with a CAS, released with a plain volatile write. */
	private volatile int writing;

	/**
	 * Set once a {@link StackOverflowError} struck inside a pipe write: the channel's write lock may then be held
	 * for ever, so every later wake uses {@link Selector#wakeup()} (a monitor, which the JVM releases on any
	 * exception) and the sink is closed on a thread of its own.
	 */
	private volatile boolean pipeSuspect;

	/** Reactor-owned buffer to empty the pipe into. */
	private final ByteBuffer drainBuffer = ByteBuffer.allocateDirect(64);

	private final LongAdder wakeups = new LongAdder();

	private final AtomicLong rebuilds = new AtomicLong();

	private final String queueName;

	/** Reactor-owned: consecutive premature empty selects. */
	private int prematureSelects;

	/**
	 * The selector, or {@code null} while none can be opened (the reactor then parks). Replaced when rebuilt;
	 * volatile because producers read it.
	 */
	private volatile Selector selector;

	/** The reactor thread while it parks for want of a selector; producers unpark it. */
	private volatile Thread parkedReactor;

	/** Reactor-owned: when to try opening a selector again, and the back-off after that. */
	private long reopenAtNanos;

	private long reopenBackoffNanos;

	private volatile boolean closed;

	WakeSignal(String queueName, SelectorIo io, QueueLog log) {
		this.queueName = queueName;
		this.io = io;
		this.log = log;
		this.wakeBuffer.put(0, (byte) 1);
		try {
			this.pipe = Pipe.open();
			this.pipe.sink().configureBlocking(false);
			this.pipe.source().configureBlocking(false);
			this.selector = openSelector();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not open the wake-up pipe or selector", ex);
		}
	}

	private Selector openSelector() throws IOException {
		Selector created = this.io.open();
		try {
			this.pipe.source().register(created, SelectionKey.OP_READ);
		}
		catch (IOException | RuntimeException ex) {
			closeQuietly(created);
			throw ex;
		}
		return created;
	}

	// ---- producer side ----------------------------------------------------------------------------

	/**
	 * Wakes the reactor if it announced it is going to sleep and no other producer has woken it since.
	 * Never blocks; lock-free (one volatile read when the reactor is busy); allocates nothing.
	 * @return whether this call issued the wake-up
	 */
	boolean wakeIfSleeping() {
		if (this.flag.tryClaimWake()) { // P2
			write();
			return true;
		}
		return false;
	}

	private void write() {
		this.wakeups.increment();
		Thread parked = this.parkedReactor;
		if (parked != null) {
			LockSupport.unpark(parked);
		}
		if (this.pipeSuspect) {
			wakeSelectorDirectly();
			return;
		}
		if (!WRITING.compareAndSet(this, 0, 1)) {
			// Another producer is still inside its write for an earlier sleep, whose byte the reactor may already
			// have read: this sleep needs a wake of its own, and waiting for the pipe would be blocking.
			wakeSelectorDirectly();
			return;
		}
		try {
			this.wakeBuffer.clear();
			// Non-blocking: returns 0 if the pipe is full, which already means a wake-up is pending.
			this.io.write(this.pipe.sink(), this.wakeBuffer);
		}
		catch (StackOverflowError ex) {
			// The JDK's write lock may be left held (its unlock is a call that can overflow too): never touch the
			// pipe's sink again. Field writes only here: nothing that could overflow once more.
			this.pipeSuspect = true;
			throw ex;
		}
		catch (IOException | RuntimeException ex) {
			wakeSelectorDirectly();
		}
		catch (Error ex) {
			// an Error from the write (not a stack overflow): the byte may not be there; wake the selector instead,
			// and let the Error go (the task is accepted either way: offer contains what its wake path throws)
			wakeSelectorDirectly();
			throw ex;
		}
		finally {
			this.writing = 0; // a volatile field write, not a call: it cannot overflow
		}
	}

	private void wakeSelectorDirectly() {
		Selector current = this.selector;
		if (current != null && !this.closed) {
			try {
				this.io.wakeup(current);
			}
			catch (RuntimeException ignored) {
				// closed meanwhile: nothing left to wake
			}
		}
	}

	/**
	 * Marks the reactor as needing a wake-up, so that the next producer to look takes the slow path.
	 * Used when the reactor dies, so that the next producer notices and restarts it.
	 */
	void requestWake() {
		this.flag.requestWake();
	}

	long wakeups() {
		return this.wakeups.sum();
	}

	// ---- reactor side -----------------------------------------------------------------------------

	/**
	 * Sleeps in the selector until a producer wakes the reactor or the timeout passes (steps R1 to R4), unless
	 * the re-check after announcing the sleep finds work. Clears the reactor thread's interrupt status (an
	 * interrupted thread's {@code select} would return at once). Counts premature empty returns (the JDK's epoll
	 * spin bug) and rebuilds the selector after {@link #SPIN_THRESHOLD} in a row, or at once if {@code select}
	 * throws. Without a working selector it parks instead. Reactor thread only; never throws.
	 * @param timeoutNanos how long to sleep at most; {@code <= 0} does not sleep
	 * @param workPending the re-check (R2): whether there is work, or another reason not to sleep
	 */
	void sleep(long timeoutNanos, BooleanSupplier workPending) {
		Selector current = this.selector;
		if (current == null) {
			current = retryOpening();
		}
		if (current == null) {
			park(timeoutNanos, workPending);
			return;
		}
		this.flag.announceSleep(); // R1
		if (timeoutNanos <= 0 || workPending.getAsBoolean()) { // R2
			this.flag.awake();
			return;
		}
		long start = System.nanoTime(); // the selector's real behaviour, whatever the queue's clock says
		int ready;
		try {
			ready = select(current, timeoutNanos); // R3
		}
		catch (IOException | RuntimeException ex) {
			this.flag.awake();
			this.log.log(System.Logger.Level.WARNING, "Selector of queue '" + this.queueName + "' failed; rebuilding it", ex);
			rebuildSelector(current);
			return;
		}
		catch (Error ex) {
			this.flag.awake(); // the reactor's supervisor replaces this thread; producers need not wake it
			throw ex;
		}
		boolean woken = this.flag.awake(); // R4
		boolean interrupted = Thread.interrupted();
		if (ready == 0 && !woken && !interrupted && System.nanoTime() - start < timeoutNanos / 2
				&& !workPending.getAsBoolean()) {
			if (++this.prematureSelects >= SPIN_THRESHOLD) {
				this.log.log(System.Logger.Level.WARNING, "Selector of queue '" + this.queueName + "' returned early "
						+ this.prematureSelects + " times in a row (JDK epoll bug); rebuilding it");
				rebuildSelector(current);
			}
		}
		else {
			this.prematureSelects = 0;
		}
	}

	/**
	 * Step R3: waits in the selector until a wake byte arrives or the timeout passes, then empties the pipe.
	 * @return the number of ready keys {@code select} reported (0 on timeout, interrupt or a premature return)
	 */
	private int select(Selector current, long timeoutNanos) throws IOException {
		long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos + 999_999));
		int ready = this.io.select(current, millis);
		if (ready > 0) {
			current.selectedKeys().clear();
			drainPipe();
		}
		return ready;
	}

	private void drainPipe() throws IOException {
		int read;
		do {
			this.drainBuffer.clear();
			read = this.pipe.source().read(this.drainBuffer);
		}
		while (read == this.drainBuffer.capacity());
	}

	/** The same protocol as {@link #sleep}, parking instead of selecting: producers unpark the parked reactor. */
	private void park(long timeoutNanos, BooleanSupplier workPending) {
		Thread me = Thread.currentThread();
		this.parkedReactor = me;
		this.flag.announceSleep(); // R1
		if (timeoutNanos > 0 && !workPending.getAsBoolean()) { // R2
			long untilRetry = Math.max(1, this.reopenAtNanos - System.nanoTime());
			LockSupport.parkNanos(this, Math.min(timeoutNanos, untilRetry)); // R3
		}
		this.flag.awake(); // R4
		this.parkedReactor = null;
		Thread.interrupted();
	}

	/**
	 * Replaces a failing selector: opens a new one first, then swaps it in and closes the old one. If none can
	 * be opened, the reactor parks until a retry succeeds.
	 */
	private void rebuildSelector(Selector failed) {
		this.prematureSelects = 0;
		Selector replacement;
		try {
			replacement = openSelector();
		}
		catch (IOException | RuntimeException ex) {
			this.selector = null;
			closeQuietly(failed);
			this.reopenBackoffNanos = TimeUnit.MILLISECONDS.toNanos(1);
			this.reopenAtNanos = System.nanoTime() + this.reopenBackoffNanos;
			this.log.log(System.Logger.Level.ERROR, "Could not open a new selector for queue '" + this.queueName
					+ "'; the reactor parks between tasks until one opens (retrying, up to once a second)", ex);
			return;
		}
		this.selector = replacement;
		closeQuietly(failed);
		this.rebuilds.incrementAndGet();
	}

	/** While no selector works: tries to open one when the back-off has passed. */
	private Selector retryOpening() {
		if (System.nanoTime() - this.reopenAtNanos < 0) {
			return null;
		}
		try {
			Selector opened = openSelector();
			this.selector = opened;
			this.rebuilds.incrementAndGet();
			this.log.log(System.Logger.Level.INFO, "Queue '" + this.queueName + "' has a working selector again");
			return opened;
		}
		catch (IOException | RuntimeException ex) {
			this.reopenBackoffNanos = Math.min(MAX_REOPEN_BACKOFF_NANOS, this.reopenBackoffNanos * 2);
			this.reopenAtNanos = System.nanoTime() + this.reopenBackoffNanos;
			return null;
		}
	}

	/** Selectors rebuilt so far. Any thread. */
	long rebuilds() {
		return this.rebuilds.get();
	}

	/** Whether both ends of the pipe are open. Any thread. */
	boolean isOpen() {
		return this.pipe.sink().isOpen() && this.pipe.source().isOpen();
	}

	@Override
	public void close() {
		this.closed = true;
		Selector current = this.selector;
		if (current != null) {
			closeQuietly(current);
		}
		closeQuietly(this.pipe.source());
		if (this.pipeSuspect) {
			// Closing waits for the write lock, which a dead producer may hold for ever: never on the closer.
			Thread closer = new Thread(() -> closeQuietly(this.pipe.sink()), this.queueName + "-pipe-closer");
			closer.setDaemon(true);
			closer.start();
		}
		else {
			closeQuietly(this.pipe.sink());
		}
	}

	private static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ignored) {
			// nothing useful to do at close
		}
	}

}
