package io.github.selectorwakequeue.benchmarks;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Not a benchmark: the wake-latency round trip of {@link WakeLatencyBenchmark} as a plain program, to run
 * under {@code strace -f -T}, {@code perf} or JFR and see where the microseconds of one wake-up go.
 * <pre>java -cp benchmarks/target/benchmarks.jar io.github.selectorwakequeue.benchmarks.WakePathProbe IMPL [ROUNDS [GAP_MICROS [pin]]]</pre>
 * {@code pin} puts the producer on CPU 0 and the consumer on CPU 1, as the latency benchmark does.
 */
final class WakePathProbe {

	private static volatile long posted;

	private static volatile long replied;

	private static volatile long ranAt;

	private WakePathProbe() {
	}

	public static void main(String[] args) throws InterruptedException {
		String impl = (args.length > 0) ? args[0] : "swq";
		int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 20_000;
		long gapNanos = TimeUnit.MICROSECONDS.toNanos((args.length > 2) ? Integer.parseInt(args[2]) : 50);
		Runnable reply = () -> {
			ranAt = System.nanoTime();
			replied = posted;
		};
		boolean pin = args.length > 3 && "pin".equals(args[3]);
		try (Harness harness = Alternative.start(impl)) {
			if (pin) {
				Alternative.placeOnTwoCpus(impl);
			}
			long[] samples = new long[rounds];
			long[] inExecute = new long[rounds];
			long[] untilRun = new long[rounds];
			for (int warm = 0; warm < 2; warm++) {
				for (int i = 0; i < rounds; i++) {
					long until = System.nanoTime() + gapNanos;
					while (System.nanoTime() < until) {
						Thread.onSpinWait();
					}
					long expected = posted + 1;
					long start = System.nanoTime();
					posted = expected;
					harness.execute(reply);
					long returned = System.nanoTime();
					while (replied != expected) {
						Thread.onSpinWait();
					}
					samples[i] = System.nanoTime() - start;
					inExecute[i] = returned - start;
					untilRun[i] = ranAt - start;
				}
			}
			Arrays.sort(samples);
			Arrays.sort(inExecute);
			Arrays.sort(untilRun);
			System.out.printf("%-12s %d round trips: p50 %.2f µs, p90 %.2f µs, p99 %.2f µs, p99.9 %.2f µs;"
					+ " p50 of: execute() %.2f µs, execute→task starts %.2f µs%n", impl, rounds,
					samples[rounds / 2] / 1e3, samples[rounds * 9 / 10] / 1e3, samples[rounds * 99 / 100] / 1e3,
					samples[rounds * 999 / 1000] / 1e3, inExecute[rounds / 2] / 1e3, untilRun[rounds / 2] / 1e3);
		}
	}

}
