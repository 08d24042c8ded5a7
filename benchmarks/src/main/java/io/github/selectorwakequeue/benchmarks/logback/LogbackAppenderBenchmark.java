package io.github.selectorwakequeue.benchmarks.logback;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

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
 * What one {@code logger.info("event from {}", caller)} costs the calling thread, flat out from 1 or 4 threads,
 * through our {@code SelectorWakeQueueAppender}, Logback's {@code AsyncAppender} ({@code neverBlock} false and
 * true) and the attached appender called synchronously (see {@link LogbackStack}), with the same
 * {@code queueSize} for the queued ones and the same level (INFO, discardable in both above 80 % full).
 * Attached appender ({@code sink}): {@code memory} (pattern-encodes into bytes, no I/O) or {@code file}
 * (Logback's file appender, {@code immediateFlush}: one {@code write} per event).
 *
 * <p>Score: ns per call (per thread), including the {@code work} between calls. Counters, per iteration, summed over the threads: {@code calls} made and
 * {@code appended} (events of those calls that reached the attached appender; what the caller did not wait for
 * and that is missing was dropped). Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is bytes per call,
 * all threads included (the event itself, formatting, queueing, encoding).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LogbackAppenderBenchmark {

	@Param({ "swq", "async", "async-neverblock", "sync" })
	public String impl;

	@Param({ "memory", "file" })
	public String sink;

	@Param({ "1024" })
	public int queueSize;

	/**
	 * Application work between two log calls, in {@link Blackhole#consumeCPU} tokens (500 is about 1 µs on the
	 * recorded machine), inside the measured call: {@code 0} logs flat out, which measures the caller path but lets
	 * callers that never wait take the consumer's CPU; {@code 500} offers a load closer to an application's.
	 */
	@Param({ "0", "500" })
	public int work;

	private LogbackStack stack;

	private Path directory;

	@Setup(Level.Trial)
	public void start() throws IOException {
		this.directory = Files.createTempDirectory("logback-bench");
		this.stack = LogbackStack.build(this.impl, (context) -> switch (this.sink) {
			case "memory" -> Sinks.memory();
			case "file" -> Sinks.file(this.directory, context);
			default -> throw new IllegalArgumentException("sink must be memory or file, was " + this.sink);
		}, this.queueSize);
	}

	@TearDown(Level.Trial)
	public void stop() throws IOException {
		long counted = this.stack.droppedCounted();
		this.stack.close();
		if (counted >= 0) {
			System.out.printf("%n[%s/%s] drops counted by the appender over the whole trial: %d%n", this.impl, this.sink,
					counted);
		}
		try (Stream<Path> files = Files.walk(this.directory)) {
			files.sorted(Comparator.reverseOrder()).forEach(LogbackAppenderBenchmark::delete);
		}
	}

	@Benchmark
	@Threads(1)
	public void oneThread(Caller caller) {
		log(caller);
	}

	@Benchmark
	@Threads(4)
	public void fourThreads(Caller caller) {
		log(caller);
	}

	private void log(Caller caller) {
		if (this.work > 0) {
			Blackhole.consumeCPU(this.work);
		}
		this.stack.logger.info("event from {}", caller.tally);
		caller.calls++;
	}

	private static void delete(Path path) {
		try {
			Files.delete(path);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * One calling thread: its counters. The event argument is its {@link Tally}, through which the attached
	 * appender counts what reached it (the appending thread is its only writer; the caller resets it between
	 * iterations, so up to {@code queueSize} events in flight at that moment may be miscounted).
	 */
	@State(Scope.Thread)
	@AuxCounters(AuxCounters.Type.EVENTS)
	public static class Caller {

		private static final AtomicInteger IDS = new AtomicInteger();

		final Sinks.Tally tally = new Sinks.Tally("caller-" + IDS.incrementAndGet());

		public long calls;

		@Setup(Level.Iteration)
		public void reset() {
			this.calls = 0;
			this.tally.reset();
		}

		public long appended() {
			return this.tally.count();
		}

	}

}
