package io.github.selectorwakequeue.benchmarks;

import java.util.concurrent.TimeUnit;

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
 * End-to-end throughput: how many tasks per second get from one or two producers through the queue and
 * run on the consumer, when producers push bursts of 10,000 tasks and wait until all have run. Every
 * alternative runs the same no-op task, so this measures the hand-over itself. Score: tasks/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ThroughputBenchmark {

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
	@Threads(1)
	@OperationsPerInvocation(BurstProducer.BURST)
	public void oneProducer(BurstProducer producer) {
		producer.burst(this.harness);
	}

	@Benchmark
	@Threads(2)
	@OperationsPerInvocation(BurstProducer.BURST)
	public void twoProducers(BurstProducer producer) {
		producer.burst(this.harness);
	}

}
