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
 * Producer-side cost: what one {@code execute} costs the calling thread while the consumer keeps up
 * (no-op tasks, so the consumer drains faster than one producer fills, keeps catching up and going back
 * to sleep: producers pay for the wake-ups too). {@code mpsc-spin} is the bare JCTools {@code offer},
 * with no wake-up logic at all. Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is the allocation
 * per task, all threads included (the task object is shared, so any allocation is the queue's own).
 * Score: ns per {@code execute}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
public class ProducerCostBenchmark {

	private static final Runnable NO_OP = () -> {
	};

	@Param({ "swq", "tpe", "abq", "disruptor", "mpsc-park", "mpsc-wakeup", "mpsc-spin" })
	public String impl;

	private Harness harness;

	@Setup(Level.Trial)
	public void start() {
		this.harness = Alternative.start(this.impl);
	}

	@TearDown(Level.Trial)
	public void stop() {
		this.harness.close();
	}

	@Benchmark
	public void execute() {
		this.harness.execute(NO_OP);
	}

}
