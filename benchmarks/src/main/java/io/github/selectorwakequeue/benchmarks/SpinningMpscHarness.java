package io.github.selectorwakequeue.benchmarks;

import org.jctools.queues.MpscArrayQueue;

/**
 * JCTools MPSC ring and a consumer that never sleeps: it polls in a loop, burning a core. Nothing on the
 * producer side but the ring's {@code offer}, so this is also the "bare JCTools offer" reference.
 */
final class SpinningMpscHarness implements Harness {

	private final MpscArrayQueue<Runnable> queue;

	private volatile boolean running = true;

	private Thread consumer;

	SpinningMpscHarness(int capacity) {
		this.queue = new MpscArrayQueue<>(capacity);
	}

	@Override
	public void start() {
		this.consumer = ConsumerThread.start("bench-mpsc-spin", this::consume);
	}

	private void consume() {
		while (this.running) {
			Runnable task = this.queue.relaxedPoll();
			if (task != null) {
				task.run();
			}
			else {
				Thread.onSpinWait();
			}
		}
	}

	@Override
	public void execute(Runnable task) {
		while (!this.queue.offer(task)) {
			Thread.onSpinWait();
		}
	}

	@Override
	public boolean offer(Runnable task) {
		return this.queue.offer(task);
	}

	@Override
	public void close() {
		this.running = false;
		ConsumerThread.stop(this.consumer);
	}

}
