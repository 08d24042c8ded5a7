package io.github.selectorwakequeue.benchmarks;

import java.util.concurrent.TimeUnit;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.TaskTimings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
 * Observability cost: end-to-end throughput of ours (one producer, bursts of 10,000, as in
 * {@link ThroughputBenchmark}) with no {@link TaskTimings}, and with a receiver that records each
 * sampled task's wait and run time into two Micrometer {@link Timer}s, sampling 1 task in 64 and every
 * task, and with a receiver that drops the samples (what sampling itself costs). Score: tasks/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class ObservabilityCostBenchmark {

	/**
	 * {@code off}: no receiver; {@code N}: 1 task in N is timed into the Micrometer timers;
	 * {@code N-noop}: 1 in N is timed into a receiver that drops it (the sampling machinery alone).
	 */
	@Param({ "off", "64", "1", "64-noop" })
	public String sampleEvery;

	private Harness harness;

	@Setup(Level.Trial)
	public void start() {
		SelectorWakeQueue.Builder builder = SelectorWakeQueue.builder().name("bench-timed").capacity(Alternative.CAPACITY);
		if (this.sampleEvery.endsWith("-noop")) {
			TaskTimings drop = (waitNanos, runNanos) -> {
			};
			builder.taskTimings(drop, Integer.parseInt(this.sampleEvery.substring(0, this.sampleEvery.indexOf('-'))));
		}
		else if (!"off".equals(this.sampleEvery)) {
			MeterRegistry registry = new SimpleMeterRegistry();
			Timer wait = Timer.builder("bench.task.wait").register(registry);
			Timer run = Timer.builder("bench.task.run").register(registry);
			TaskTimings timings = (waitNanos, runNanos) -> {
				wait.record(waitNanos, TimeUnit.NANOSECONDS);
				run.record(runNanos, TimeUnit.NANOSECONDS);
			};
			builder.taskTimings(timings, Integer.parseInt(this.sampleEvery));
		}
		this.harness = new SelectorWakeQueueHarness(builder.build());
		this.harness.start();
	}

	@TearDown(Level.Trial)
	public void stop() {
		this.harness.close();
	}

	@Benchmark
	@OperationsPerInvocation(BurstProducer.BURST)
	public void timedBurst(BurstProducer producer) {
		producer.burst(this.harness);
	}

}
