package io.github.selectorwakequeue.sample.burst;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.github.selectorwakequeue.Lane;
import io.github.selectorwakequeue.LaneStats;
import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.sample.web.ParameterCheck;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Demonstrates load: {@code POST /burst?events=N&threads=T} publishes N events (rounded down to a
 * multiple of T) from T threads at once and answers how long publishing took (the publishers never wait
 * for listeners) and whether every event was delivered, comparing the delivered count with the published
 * count. When the publishers outrun the reactor and fill the queue, the {@code caller-runs} policy
 * delivers the overflow on the publishers' own threads: {@code deliveredOnPublishers} shows how many.
 * Two listeners get each event, each in its own lane: {@link BurstTally}, quick, on the reactor, and
 * {@link ReceiptMailer}, about 1 ms an event, which moves to a worker after its first few events and falls
 * behind without holding up the other: {@code listeners} shows where each runs when the tally is complete,
 * and how many events still wait for it. {@code threads} is 1 to 64 (default 4), {@code events} from
 * {@code threads} to 50,000 (default 20,000); anything else is answered with 400.
 */
@RestController
class BurstController {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static final int MAX_THREADS = 64;

	/**
	 * Two such bursts fit in the mailer's lane (selector-wake-queue.lanes.max-backlog, 100,000 in application.yml),
	 * so that one answers in well under a second. What overflows a full lane is delivered on the publishers, the
	 * mailer's millisecond included: 200,000 events took 43 s before this cap, the third 50,000 in a row 20 s.
	 */
	private static final int MAX_EVENTS = 50_000;

	/** How the starter names the lane of an {@code @EventListener} method of {@link BurstEvent}s. */
	private static final String LANE_SUFFIX = "(" + BurstEvent.class.getSimpleName() + ")";

	private final ApplicationEventPublisher events;

	private final BurstTally tally;

	private final SelectorWakeQueue queue;

	BurstController(ApplicationEventPublisher events, BurstTally tally, SelectorWakeQueue queue) {
		this.events = events;
		this.tally = tally;
		this.queue = queue;
	}

	@PostMapping("/burst")
	BurstResult burst(@RequestParam(required = false) String events, @RequestParam(required = false) String threads)
			throws InterruptedException {
		ParameterCheck check = new ParameterCheck();
		int publishers = check.intBetween("threads", threads, 4, 1, MAX_THREADS);
		int requested = check.intBetween("events", events, 20_000, publishers, MAX_EVENTS, " (at least one per thread)");
		check.orThrow();
		int perPublisher = requested / publishers;
		int total = perPublisher * publishers;
		BurstTally.Burst burst = this.tally.open(total);
		try {
			LongAdder published = new LongAdder();
			List<Thread> started = new ArrayList<>();
			long start = System.nanoTime();
			for (int t = 0; t < publishers; t++) {
				Thread publisher = new Thread(() -> {
					for (int i = 0; i < perPublisher; i++) {
						this.events.publishEvent(new BurstEvent(burst.id(), i));
						published.increment();
					}
				}, "burst-publisher-" + t);
				publisher.start();
				started.add(publisher);
			}
			long deadline = start + WAIT.toNanos();
			for (Thread publisher : started) {
				TimeUnit.NANOSECONDS.timedJoin(publisher, Math.max(1, deadline - System.nanoTime()));
			}
			long publishMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			boolean all = burst.awaitAll(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
			long totalMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			return new BurstResult(publishers, published.sum(), burst.delivered(), all, burst.deliveredOnReactor(),
					burst.deliveredOnPublishers(), publishMillis, totalMillis, listeners());
		}
		finally {
			this.tally.close(burst);
		}
	}

	/** The lanes of the listeners of {@link BurstEvent}s, by name. */
	private List<ListenerLane> listeners() {
		return this.queue.lanes().stream()
			.map(Lane::stats)
			.filter((lane) -> lane.name().endsWith(LANE_SUFFIX))
			.sorted(Comparator.comparing(LaneStats::name))
			.map((lane) -> new ListenerLane(lane.name(), lane.mode().name(), lane.depth()))
			.toList();
	}

	/**
	 * What {@code POST /burst} answers.
	 * @param threads publisher threads
	 * @param published events published
	 * @param delivered events delivered before the answer
	 * @param allDelivered whether {@code delivered == published}
	 * @param deliveredOnReactor delivered on the reactor thread
	 * @param deliveredOnPublishers delivered on a publisher's thread because the queue was full (caller-runs)
	 * @param publishMillis time until every publisher was done
	 * @param deliverMillis time until every event was delivered
	 * @param listeners the lane of each listener of the burst's events, when the answer was made
	 */
	record BurstResult(int threads, long published, long delivered, boolean allDelivered, long deliveredOnReactor,
			long deliveredOnPublishers, long publishMillis, long deliverMillis, List<ListenerLane> listeners) {
	}

	/**
	 * Where one listener of the burst's events runs.
	 * @param listener the lane's name, {@code Bean.method(Event)}
	 * @param mode {@code ON_REACTOR}, {@code ON_WORKER} or {@code STUCK}
	 * @param waiting events waiting for it in its lane
	 */
	record ListenerLane(String listener, String mode, int waiting) {
	}

}
