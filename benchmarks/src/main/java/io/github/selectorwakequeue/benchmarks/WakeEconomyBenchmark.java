package io.github.selectorwakequeue.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Wake-up economy: how many consumer wake-ups (system calls on the producer side) each task costs, from
 * {@code stats().wakeups()} for ours and the same coalescing flag's count for the two MPSC alternatives.
 * Loads: {@code saturated} — 1 µs tasks offered as fast as the producer can (the consumer never runs
 * dry); {@code no-op-flood} — no-op tasks offered as fast as the producer can (whichever side is faster,
 * the consumer may catch up and sleep); {@code 10pct} — 5 µs tasks every 50 µs. A full queue makes the
 * producer spin on {@code offer}. Score: tasks/s; the {@code wakeups} counter is wake-ups/s, so wake-ups
 * per task is {@code wakeups / score}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class WakeEconomyBenchmark {

	@Param({ "swq", "mpsc-park", "mpsc-wakeup" })
	public String impl;

	@Param({ "saturated", "no-op-flood", "10pct" })
	public String load;

	private Harness harness;

	private Runnable task;

	private long intervalNanos;

	private long nextDue;

	@Setup(Level.Trial)
	public void start() {
		this.harness = Alternative.start(this.impl);
		switch (this.load) {
			case "saturated" -> this.task = work(1_000);
			case "no-op-flood" -> this.task = () -> {
			};
			case "10pct" -> {
				this.task = work(5_000);
				this.intervalNanos = 50_000;
			}
			default -> throw new IllegalArgumentException("load must be saturated, no-op-flood or 10pct, was " + this.load);
		}
	}

	private static Runnable work(long nanos) {
		long tokens = Work.tokensFor(nanos);
		return () -> Blackhole.consumeCPU(tokens);
	}

	@TearDown(Level.Trial)
	public void stop() {
		this.harness.close();
	}

	/** Wake-ups issued during the iteration, as a rate next to the task rate. */
	@State(Scope.Thread)
	@AuxCounters(AuxCounters.Type.OPERATIONS)
	public static class Wakeups {

		private long before;

		public long wakeups;

		@Setup(Level.Iteration)
		public void mark(WakeEconomyBenchmark benchmark) {
			this.wakeups = 0;
			this.before = benchmark.harness.wakeups();
		}

		@TearDown(Level.Iteration)
		public void count(WakeEconomyBenchmark benchmark) {
			this.wakeups = benchmark.harness.wakeups() - this.before;
		}

	}

	@Benchmark
	public void submit(Wakeups wakeups) {
		if (this.intervalNanos > 0) {
			pace();
		}
		while (!this.harness.offer(this.task)) {
			Thread.onSpinWait();
		}
	}

	private void pace() {
		long now;
		while ((now = System.nanoTime()) < this.nextDue) {
			Thread.onSpinWait();
		}
		// Fell far behind (descheduled)? Start the schedule again rather than submit a burst.
		this.nextDue = (now - this.nextDue > this.intervalNanos) ? now + this.intervalNanos : this.nextDue + this.intervalNanos;
	}

}
