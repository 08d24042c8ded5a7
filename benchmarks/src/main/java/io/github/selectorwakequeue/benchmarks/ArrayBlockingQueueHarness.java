package io.github.selectorwakequeue.benchmarks;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * An {@link ArrayBlockingQueue} and a consumer thread in {@code take()}: one lock for producers and the
 * consumer, a {@code Condition} to sleep on. {@code execute} is {@code put}: it blocks while full.
 */
final class ArrayBlockingQueueHarness implements Harness {

	private final ArrayBlockingQueue<Runnable> queue;

	private volatile boolean running = true;

	private Thread consumer;

	ArrayBlockingQueueHarness(int capacity) {
		this.queue = new ArrayBlockingQueue<>(capacity);
	}

	@Override
	public void start() {
		this.consumer = ConsumerThread.start("bench-abq", this::consume);
	}

	private void consume() {
		try {
			while (this.running) {
				this.queue.take().run();
			}
		}
		catch (InterruptedException ex) {
			// closing
		}
	}

	@Override
	public void execute(Runnable task) {
		try {
			this.queue.put(task);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while the queue was full", ex);
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
