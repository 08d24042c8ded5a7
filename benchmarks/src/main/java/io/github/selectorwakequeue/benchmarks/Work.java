package io.github.selectorwakequeue.benchmarks;

import org.openjdk.jmh.infra.Blackhole;

/** Tasks that take a known time: {@link Blackhole#consumeCPU(long)}, calibrated once per JVM. */
final class Work {

	private static final double NANOS_PER_TOKEN = calibrate();

	private Work() {
	}

	/**
	 * The number of {@code consumeCPU} tokens that take about {@code nanos} on this machine.
	 * @param nanos the wanted duration
	 * @return the token count, at least 1
	 */
	static long tokensFor(long nanos) {
		return Math.max(1, Math.round(nanos / NANOS_PER_TOKEN));
	}

	/**
	 * The fastest of many short rounds spread over about 50 ms: the minimum is the machine's real speed
	 * even if other processes take the CPU for part of that time.
	 */
	private static double calibrate() {
		long tokens = 20_000;
		double best = Double.MAX_VALUE;
		for (int round = 0; round < 500; round++) {
			long start = System.nanoTime();
			Blackhole.consumeCPU(tokens);
			best = Math.min(best, (System.nanoTime() - start) / (double) tokens);
		}
		return best;
	}

}
