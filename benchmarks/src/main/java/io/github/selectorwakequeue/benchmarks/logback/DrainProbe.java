package io.github.selectorwakequeue.benchmarks.logback;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The consumer's own cost per event, without a flood: one thread logs a burst that fits in the queue (800 INFO
 * events, under the 80 % discarding threshold of a 1024 queue, so nothing is dropped), then parks until the
 * attached appender ({@link Sinks#memory()}) has them all; 2,000 bursts per round, 8 rounds. Prints, per round,
 * the caller's ns per call and burst-plus-drain ns per event: with no caller competing for the CPU meanwhile, the
 * second figure is mostly the consumer's cost. A plain program, for comparing with the flood of
 * {@link LogbackAppenderBenchmark}:
 * <pre>java -cp benchmarks/target/benchmarks.jar io.github.selectorwakequeue.benchmarks.logback.DrainProbe swq</pre>
 * (or {@code async-neverblock}).
 */
public final class DrainProbe {

	private static final int BURST = 800;

	private DrainProbe() {
	}

	public static void main(String[] args) {
		String impl = (args.length > 0) ? args[0] : "swq";
		Sinks.Tally tally = new Sinks.Tally("caller");
		try (LogbackStack stack = LogbackStack.build(impl, (context) -> Sinks.memory(), 1024)) {
			for (int round = 0; round < 8; round++) {
				long caller = 0;
				long total = 0;
				long missing = 0;
				for (int burst = 0; burst < 2_000; burst++) {
					long before = tally.count();
					long start = System.nanoTime();
					for (int i = 0; i < BURST; i++) {
						stack.logger.info("event from {}", tally);
					}
					long logged = System.nanoTime();
					long deadline = logged + TimeUnit.SECONDS.toNanos(5);
					while (tally.count() - before < BURST && System.nanoTime() < deadline) {
						LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(20));
					}
					missing += BURST - (tally.count() - before);
					caller += logged - start;
					total += System.nanoTime() - start;
				}
				long events = 2_000L * BURST;
				System.out.printf("%s round %d: caller %.1f ns/call, burst+drain %.1f ns/event, %d not appended%n", impl,
						round, caller / (double) events, total / (double) events, missing);
			}
		}
	}

}
