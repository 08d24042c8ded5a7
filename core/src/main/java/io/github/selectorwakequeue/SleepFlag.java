package io.github.selectorwakequeue;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The flag half of the wake-up coalescing protocol described in {@link WakeSignal}: the reactor
 * announces a sleep (R1) and comes back awake (R4); a producer that has enqueued claims the right to
 * wake it (P2). Pure Java, no I/O, so the lost-wake-up test drives this very code.
 *
 * <p>Every access is sequentially consistent ({@code volatile} / {@code getAndSet}): that is what makes
 * P1→P2 and R1→R2 a Dekker pair. Thread-safe; never blocks.
 */
final class SleepFlag {

	private static final int AWAKE = 0;

	private static final int SLEEPING = 1;

	private final AtomicInteger flag = new AtomicInteger(AWAKE);

	/**
	 * Step P2, after the producer's enqueue (P1): whether this caller must write the wake byte. True for
	 * at most one caller per announced sleep.
	 * @return {@code true} if this call moved the flag from {@code SLEEPING} to {@code AWAKE}
	 */
	boolean tryClaimWake() {
		// Plain volatile read first: while the reactor is busy this avoids writing a shared cache line.
		return this.flag.get() == SLEEPING && this.flag.getAndSet(AWAKE) == SLEEPING;
	}

	/** Step R1: announce the sleep. Must be followed by the re-check (R2). Reactor thread only. */
	void announceSleep() {
		this.flag.set(SLEEPING);
	}

	/**
	 * Step R4 (or the abandoned-sleep branch of R2): back to awake.
	 * @return whether a producer had already woken us (moved the flag to {@code AWAKE})
	 */
	boolean awake() {
		return this.flag.getAndSet(AWAKE) == AWAKE;
	}

	/**
	 * Marks the reactor as needing a wake-up, so that the next producer to look takes the slow path.
	 * Used when the reactor dies, so that the next producer notices and restarts it.
	 */
	void requestWake() {
		this.flag.set(SLEEPING);
	}

}
