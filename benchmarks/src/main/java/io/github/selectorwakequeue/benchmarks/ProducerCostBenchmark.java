package io.github.selectorwakequeue.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Producer-side cost: what one {@code execute} costs the calling thread while the queue is not full. The
 * producer submits {@value #BURST} tasks per measured invocation and, outside the measurement, waits until
 * the consumer has run them, so no queue is ever full (a full queue would measure the overflow path, e.g.
 * ours running the task inline). Two consumer states:
 * <ul>
 * <li>{@code busy}: the burst's first task holds the consumer (parked until the burst is submitted), so
 * the other 999 {@code execute}s find it awake and no consumer touches the queue meanwhile: the cost of
 * the offer path itself, plus one wake-up and one unpark per burst. {@code mpsc-spin} is then the bare
 * JCTools {@code offer}.</li>
 * <li>{@code draining}: no hold; the consumer drains as fast as tasks come, falls asleep whenever it
 * catches up, and producers pay for waking it again (see the wake-up economy).</li>
 * </ul>
 * Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is the allocation per task, all threads included
 * (the tasks are shared objects, so any allocation is the queue's own). Score: ns per {@code execute}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
public class ProducerCostBenchmark {

	static final int BURST = 1_000;

	@Param({ "swq", "tpe", "abq", "disruptor", "mpsc-park", "mpsc-wakeup", "mpsc-spin" })
	public String impl;

	@Param({ "busy", "draining" })
	public String consumer;

	private Harness harness;

	/** Set by the producer once the burst is submitted; the hold task waits for it. */
	private volatile boolean released;

	private boolean hold;

	private long submitted;

	/** Tasks run; written only by the consumer thread. */
	private volatile long ran;

	private final Runnable task = () -> this.ran = this.ran + 1;

	/** The consumer thread while it is in the hold task. */
	private volatile Thread holder;

	/** Parks (does not spin: on 2 cores a spinning consumer would compete with the producer). */
	private final Runnable holdUntilReleased = () -> {
		this.holder = Thread.currentThread();
		while (!this.released) {
			LockSupport.park(this);
		}
		this.holder = null;
		this.ran = this.ran + 1;
	};

	@Setup(Level.Trial)
	public void start() {
		this.harness = Alternative.start(this.impl);
		this.hold = switch (this.consumer) {
			case "busy" -> true;
			case "draining" -> false;
			default -> throw new IllegalArgumentException("consumer must be busy or draining, was " + this.consumer);
		};
	}

	@TearDown(Level.Trial)
	public void stop() {
		this.harness.close();
	}

	/** Outside the measurement: lets the consumer finish the previous burst. */
	@Setup(Level.Invocation)
	public void awaitConsumer() {
		while (this.ran < this.submitted) {
			Thread.onSpinWait();
		}
	}

	@Benchmark
	@OperationsPerInvocation(BURST)
	public void execute() {
		int i = 0;
		if (this.hold) {
			this.released = false;
			this.harness.execute(this.holdUntilReleased);
			i++;
		}
		for (; i < BURST; i++) {
			this.harness.execute(this.task);
		}
		if (this.hold) {
			// Dekker pair with the hold task (holder written, then released read): it sees the flag or we see it.
			this.released = true;
			Thread parked = this.holder;
			if (parked != null) {
				LockSupport.unpark(parked);
			}
		}
		this.submitted += BURST;
	}

}
