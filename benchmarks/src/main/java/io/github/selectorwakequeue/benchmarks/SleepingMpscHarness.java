package io.github.selectorwakequeue.benchmarks;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import org.jctools.queues.MpscArrayQueue;

/**
 * A JCTools MPSC ring with a consumer that sleeps when it is empty, and the same wake-up coalescing as
 * ours: the consumer announces its sleep in a flag and re-checks the ring; a producer offers, then wakes
 * the consumer only if it is the one that flips the flag back (a Dekker pair of volatile accesses, so no
 * wake-up is lost and at most one is paid per sleep). Subclasses supply only the way to sleep and wake,
 * so that two of them differ in nothing else.
 */
abstract class SleepingMpscHarness implements Harness {

	private final MpscArrayQueue<Runnable> queue;

	private final AtomicBoolean sleeping = new AtomicBoolean();

	private final LongAdder wakeups = new LongAdder();

	private final String name;

	private volatile boolean running = true;

	private Thread consumer;

	SleepingMpscHarness(String name, int capacity) {
		this.name = name;
		this.queue = new MpscArrayQueue<>(capacity);
	}

	/** Sleeps until {@link #wake(Thread)} or spuriously. Consumer thread only. */
	abstract void sleep();

	/** Wakes the consumer; a wake that comes before its sleep must make that sleep return at once. */
	abstract void wake(Thread consumer);

	@Override
	public void start() {
		this.consumer = ConsumerThread.start(this.name, this::consume);
	}

	private void consume() {
		while (this.running) {
			Runnable task;
			while ((task = this.queue.relaxedPoll()) != null) {
				task.run();
			}
			this.sleeping.set(true);
			if (!this.queue.isEmpty() || !this.running) {
				this.sleeping.set(false);
				continue;
			}
			sleep();
			this.sleeping.set(false);
		}
	}

	@Override
	public void execute(Runnable task) {
		while (!offer(task)) {
			Thread.onSpinWait();
		}
	}

	@Override
	public boolean offer(Runnable task) {
		if (!this.queue.offer(task)) {
			return false;
		}
		if (this.sleeping.get() && this.sleeping.getAndSet(false)) {
			this.wakeups.increment();
			wake(this.consumer);
		}
		return true;
	}

	@Override
	public long wakeups() {
		return this.wakeups.sum();
	}

	@Override
	public void close() {
		this.running = false;
		this.sleeping.set(false);
		wake(this.consumer);
		ConsumerThread.stop(this.consumer);
	}

}
