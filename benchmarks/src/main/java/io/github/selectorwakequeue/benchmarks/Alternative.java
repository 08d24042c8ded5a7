package io.github.selectorwakequeue.benchmarks;

import java.util.function.IntFunction;

/**
 * The executors compared, by the name a benchmark's {@code impl} parameter uses. Every one has a
 * single consumer thread that runs tasks in submission order.
 */
enum Alternative {

	/** Ours: {@code SelectorWakeQueue}, a JCTools MPSC ring woken through a non-blocking self-pipe. */
	SWQ("swq", "bench-swq", SelectorWakeQueueHarness::new),

	/** {@code ThreadPoolExecutor(1, 1, LinkedBlockingQueue)}: what a one-thread Spring {@code TaskExecutor} is. */
	TPE("tpe", "bench-tpe", capacity -> new ThreadPoolHarness()),

	/** {@code ArrayBlockingQueue} and a consumer thread in {@code take()}. */
	ABQ("abq", "bench-abq", ArrayBlockingQueueHarness::new),

	/** LMAX Disruptor 4, multi-producer, {@code BlockingWaitStrategy}. */
	DISRUPTOR("disruptor", "bench-disruptor", DisruptorHarness::new),

	/** JCTools MPSC ring, consumer parks; woken with {@code LockSupport.unpark}, coalesced like ours. */
	MPSC_PARK("mpsc-park", "bench-mpsc-park", ParkingMpscHarness::new),

	/** JCTools MPSC ring, consumer in {@code Selector.select()}; woken with plain {@code Selector.wakeup()}, coalesced like ours. */
	MPSC_WAKEUP("mpsc-wakeup", "bench-mpsc-wakeup", WakeupMpscHarness::new),

	/**
	 * JCTools MPSC ring, consumer in {@code select()} on a non-blocking self-pipe, coalesced like ours: our
	 * wake mechanism without our reactor loop. Latency benchmark only, to split where our time goes.
	 */
	MPSC_PIPE("mpsc-pipe", "bench-mpsc-pipe", PipeMpscHarness::new),

	/** JCTools MPSC ring, consumer spins and never sleeps: the practical limit, burning a core. */
	MPSC_SPIN("mpsc-spin", "bench-mpsc-spin", SpinningMpscHarness::new);

	/** Room for two producers' bursts of 10,000 tasks: no alternative ever sees a full queue in a burst. */
	static final int CAPACITY = 1 << 16;

	private final String id;

	/** The consumer thread's name, as each harness names it. */
	private final String consumerThread;

	private final IntFunction<Harness> factory;

	Alternative(String id, String consumerThread, IntFunction<Harness> factory) {
		this.id = id;
		this.consumerThread = consumerThread;
		this.factory = factory;
	}

	/**
	 * Creates and starts the named alternative.
	 * @param id a benchmark's {@code impl} parameter value
	 * @return a started harness
	 */
	static Harness start(String id) {
		Alternative alternative = named(id);
		Harness harness = alternative.factory.apply(CAPACITY);
		harness.start();
		return harness;
	}

	/**
	 * Pins the calling (producer) thread to CPU 0 and the named alternative's consumer thread to CPU 1.
	 * @param id a benchmark's {@code impl} parameter value, already started
	 */
	static void placeOnTwoCpus(String id) {
		CpuPlacement.pinCurrentThread(0);
		CpuPlacement.pinThreadNamed(named(id).consumerThread, 1);
	}

	private static Alternative named(String id) {
		for (Alternative alternative : values()) {
			if (alternative.id.equals(id)) {
				return alternative;
			}
		}
		throw new IllegalArgumentException("impl must name an alternative, was '" + id + "'");
	}

}
