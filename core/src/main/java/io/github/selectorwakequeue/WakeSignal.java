package io.github.selectorwakequeue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
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
 * never neither. Only the producer whose {@code getAndSet} moves the flag from {@code SLEEPING} to
 * {@code AWAKE} writes, so there is at most one write per sleep; while the reactor is busy the flag is
 * {@code AWAKE} and producers pay one plain read of a line the reactor rarely writes. Tasks offered by
 * the reactor itself never see {@code SLEEPING}. A wake byte written before {@code select} is not lost:
 * it stays in the pipe and makes the next {@code select} return at once.
 *
 * <h2>Why a self-pipe rather than {@link Selector#wakeup()}</h2>
 * {@code wakeup()} holds the selector's private monitor while it writes its eventfd, and the woken
 * reactor at once contends for that monitor to clear the wake-up: an extra futex sleep and wake per
 * wake-up. A pipe has separate reader and writer locks. Both ends are non-blocking: a non-blocking write
 * from an interrupted thread neither throws nor closes the channel and leaves the thread's interrupt
 * status alone (a blocking write would close the pipe for good with {@code ClosedByInterruptException}).
 * If the write fails anyway, the producer falls back to {@code Selector.wakeup()}.
 */
final class WakeSignal implements AutoCloseable {

	private static final System.Logger LOG = System.getLogger(SelectorWakeQueue.class.getName());

	/** Consecutive premature empty selects before the selector is rebuilt (Netty uses the same number). */
	static final int SPIN_THRESHOLD = 512;

	/** The one byte a wake writes; never modified, so sharing it between producers is safe. */
	private static final byte[] WAKE_BYTE = { 1 };

	private final SleepFlag flag = new SleepFlag();

	private final Pipe pipe;

	/** Reactor-owned buffer to empty the pipe into. */
	private final ByteBuffer drainBuffer = ByteBuffer.allocateDirect(64);

	private final LongAdder wakeups = new LongAdder();

	private final AtomicLong rebuilds = new AtomicLong();

	private final String queueName;

	/** Reactor-owned: consecutive premature empty selects. */
	private int prematureSelects;

	/** Replaced when rebuilt; volatile because producers read it on the fallback path. */
	private volatile Selector selector;

	WakeSignal(String queueName) {
		this.queueName = queueName;
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
		Selector created = Selector.open();
		this.pipe.source().register(created, SelectionKey.OP_READ);
		return created;
	}

	// ---- producer side ----------------------------------------------------------------------------

	/**
	 * Wakes the reactor if it announced it is going to sleep and no other producer has woken it since.
	 * Never blocks; lock-free (one volatile read when the reactor is busy).
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
		try {
			// Non-blocking: returns 0 if the pipe is full, which already means a wake-up is pending.
			this.pipe.sink().write(ByteBuffer.wrap(WAKE_BYTE));
		}
		catch (IOException | RuntimeException ex) {
			this.selector.wakeup();
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
	 * throws. Reactor thread only.
	 * @param timeoutNanos how long to sleep at most; {@code <= 0} does not sleep
	 * @param workPending the re-check (R2): whether there is work, or another reason not to sleep
	 * @throws IllegalStateException if the selector failed and could not be rebuilt
	 */
	void sleep(long timeoutNanos, BooleanSupplier workPending) {
		this.flag.announceSleep(); // R1
		if (timeoutNanos <= 0 || workPending.getAsBoolean()) { // R2
			this.flag.awake();
			return;
		}
		long start = System.nanoTime(); // the selector's real behaviour, whatever the queue's clock says
		int ready;
		try {
			ready = select(timeoutNanos); // R3
		}
		catch (IOException ex) {
			this.flag.awake();
			LOG.log(System.Logger.Level.WARNING, "Selector of queue '" + this.queueName + "' failed; rebuilding it", ex);
			rebuildSelector();
			return;
		}
		boolean woken = this.flag.awake(); // R4
		boolean interrupted = Thread.interrupted();
		if (ready == 0 && !woken && !interrupted && System.nanoTime() - start < timeoutNanos / 2
				&& !workPending.getAsBoolean()) {
			if (++this.prematureSelects >= SPIN_THRESHOLD) {
				LOG.log(System.Logger.Level.WARNING, "Selector of queue '" + this.queueName + "' returned early "
						+ this.prematureSelects + " times in a row (JDK epoll bug); rebuilding it");
				rebuildSelector();
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
	private int select(long timeoutNanos) throws IOException {
		Selector current = this.selector;
		long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos + 999_999));
		int ready = current.select(millis);
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

	/**
	 * Replaces the selector with a new one watching the same pipe, after the JDK's epoll spin bug or an
	 * {@link IOException} from {@code select}. Counted in {@link #rebuilds()}.
	 */
	private void rebuildSelector() {
		this.prematureSelects = 0;
		Selector old = this.selector;
		try {
			old.close();
		}
		catch (IOException ignored) {
			// the old selector is abandoned either way
		}
		try {
			this.selector = openSelector();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not rebuild the selector of queue '" + this.queueName + "'", ex);
		}
		this.rebuilds.incrementAndGet();
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
		closeQuietly(this.selector);
		closeQuietly(this.pipe.source());
		closeQuietly(this.pipe.sink());
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
