package io.github.selectorwakequeue.benchmarks;

import java.util.concurrent.TimeUnit;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;

/**
 * LMAX Disruptor 4 with a multi-producer sequencer and {@link BlockingWaitStrategy}: producers claim a
 * slot with a CAS and, on publish, signal the sleeping consumer under the strategy's lock. {@code execute}
 * waits (spins, then parks) while the ring is full.
 */
final class DisruptorHarness implements Harness {

	/** A ring slot: holds the task between publish and run. */
	static final class Slot {

		Runnable task;

	}

	private final Disruptor<Slot> disruptor;

	private RingBuffer<Slot> ring;

	DisruptorHarness(int capacity) {
		this.disruptor = new Disruptor<>(Slot::new, capacity, runnable -> {
			Thread thread = new Thread(runnable, "bench-disruptor");
			thread.setDaemon(true);
			return thread;
		}, ProducerType.MULTI, new BlockingWaitStrategy());
		EventHandler<Slot> handler = (slot, sequence, endOfBatch) -> {
			Runnable task = slot.task;
			slot.task = null;
			task.run();
		};
		this.disruptor.handleEventsWith(handler);
	}

	@Override
	public void start() {
		this.ring = this.disruptor.start();
	}

	@Override
	public void execute(Runnable task) {
		long sequence = this.ring.next();
		this.ring.get(sequence).task = task;
		this.ring.publish(sequence);
	}

	@Override
	public boolean offer(Runnable task) {
		long sequence;
		try {
			sequence = this.ring.tryNext();
		}
		catch (InsufficientCapacityException ex) {
			return false;
		}
		this.ring.get(sequence).task = task;
		this.ring.publish(sequence);
		return true;
	}

	@Override
	public void close() {
		try {
			this.disruptor.shutdown(5, TimeUnit.SECONDS);
		}
		catch (TimeoutException ex) {
			this.disruptor.halt();
		}
	}

}
