package io.github.selectorwakequeue.benchmarks;

import java.util.function.IntFunction;

/**
 * The executors compared, by the name a benchmark's {@code impl} parameter uses. Every one has a
 * single consumer thread that runs tasks in submission order.
 */
enum Alternative {

	/** Ours: {@code SelectorWakeQueue}, a JCTools MPSC ring woken through a non-blocking self-pipe. */
	SWQ("swq", SelectorWakeQueueHarness::new),

	/** {@code ThreadPoolExecutor(1, 1, LinkedBlockingQueue)}: what a one-thread Spring {@code TaskExecutor} is. */
	TPE("tpe", capacity -> new ThreadPoolHarness()),

	/** {@code ArrayBlockingQueue} and a consumer thread in {@code take()}. */
	ABQ("abq", ArrayBlockingQueueHarness::new),

	/** LMAX Disruptor 4, multi-producer, {@code BlockingWaitStrategy}. */
	DISRUPTOR("disruptor", DisruptorHarness::new),

	/** JCTools MPSC ring, consumer parks; woken with {@code LockSupport.unpark}, coalesced like ours. */
	MPSC_PARK("mpsc-park", ParkingMpscHarness::new),

	/** JCTools MPSC ring, consumer in {@code Selector.select()}; woken with plain {@code Selector.wakeup()}, coalesced like ours. */
	MPSC_WAKEUP("mpsc-wakeup", WakeupMpscHarness::new),

	/**
	 * JCTools MPSC ring, consumer in {@code select()} on a non-blocking self-pipe, coalesced like ours: our
	 * wake mechanism without our reactor loop. Latency benchmark only, to split where our time goes.
	 */
	MPSC_PIPE("mpsc-pipe", PipeMpscHarness::new),

	/** JCTools MPSC ring, consumer spins and never sleeps: the practical limit, burning a core. */
	MPSC_SPIN("mpsc-spin", SpinningMpscHarness::new);

	/** Room for two producers' bursts of 10,000 tasks: no alternative ever sees a full queue in a burst. */
	static final int CAPACITY = 1 << 16;

	private final String id;

	private final IntFunction<Harness> factory;

	Alternative(String id, IntFunction<Harness> factory) {
		this.id = id;
		this.factory = factory;
	}

	/**
	 * Creates and starts the named alternative.
	 * @param id a benchmark's {@code impl} parameter value
	 * @return a started harness
	 */
	static Harness start(String id) {
		for (Alternative alternative : values()) {
			if (alternative.id.equals(id)) {
				Harness harness = alternative.factory.apply(CAPACITY);
				harness.start();
				return harness;
			}
		}
		throw new IllegalArgumentException("impl must name an alternative, was '" + id + "'");
	}

}
