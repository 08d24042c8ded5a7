package io.github.selectorwakequeue.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Wake-up latency: how long one task takes from {@code execute} on the producer until the producer sees
 * that it ran, when the consumer was asleep (idle) — so every task pays a full wake-up. Before each
 * sample the producer stays on its CPU, outside the measurement, for {@code idleGapMicros}, long enough
 * for every consumer to fall asleep; during the sample it spins on the reply, so the figure is the
 * consumer's wake-up plus two cache-line transfers. The producer and the consumer are pinned to different
 * CPUs, or left to the scheduler (see {@link #placement}). Score: round trip, sampled (p50/p99/p99.9).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
public class WakeLatencyBenchmark {

	@Param({ "swq", "tpe", "abq", "disruptor", "mpsc-park", "mpsc-wakeup", "mpsc-pipe", "mpsc-spin" })
	public String impl;

	/** How long the consumer is left idle before each sample. */
	@Param("50")
	public int idleGapMicros;

	/**
	 * {@code cross-cpu}: producer pinned to CPU 0, consumer to CPU 1, so that every sample is a wake-up
	 * across CPUs (on 2 CPUs the scheduler otherwise sometimes wakes the consumer behind the spinning
	 * producer, and the sample measures a preemption); {@code os}: wherever the scheduler puts them.
	 */
	@Param({ "cross-cpu", "os" })
	public String placement;

	private Harness harness;

	private volatile long posted;

	private volatile long replied;

	private long sequence;

	private final Runnable reply = () -> this.replied = this.posted;

	@Setup(Level.Trial)
	public void start() {
		this.harness = Alternative.start(this.impl);
		if ("cross-cpu".equals(this.placement)) {
			Alternative.placeOnTwoCpus(this.impl);
		}
	}

	@TearDown(Level.Trial)
	public void stop() {
		this.harness.close();
	}

	/** Keeps the producer's CPU busy (not asleep) while the consumer goes idle. */
	@Setup(Level.Invocation)
	public void letConsumerFallAsleep() {
		long until = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(this.idleGapMicros);
		while (System.nanoTime() < until) {
			Thread.onSpinWait();
		}
	}

	@Benchmark
	public long roundTrip() {
		long expected = ++this.sequence;
		this.posted = expected;
		this.harness.execute(this.reply);
		while (this.replied != expected) {
			Thread.onSpinWait();
		}
		return expected;
	}

}
