package io.github.selectorwakequeue.sample.hazards;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.sample.web.ParameterCheck;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Demonstrates the consumer publishing into its own full queue (the self-deadlock of a bounded blocking
 * queue, open in Logback's {@code AsyncAppender}): a task running on the reactor publishes more events than the
 * queue holds, as a listener that re-publishes or code that logs through the queue would. The reactor cannot wait
 * for space only it can make, so once the queue is full the rest wait in order behind it (counted as
 * {@code overflowed}, within each listener's backlog limit) instead of blocking; the reactor delivers them all
 * after the flood, in publish order. Nothing hangs and nothing runs out of order. The flood is a plain task, not a
 * listener: a listener that publishes this much takes tens of milliseconds a call, so its lane would count it as
 * slow after a few calls and run it on a worker (just as safely, but not what this demo shows). {@code POST /hazards/reentrant?events=N}, N from 1 to 1,000,000, by default
 * twice the capacity; anything else is answered with 400.
 */
@RestController
class ReentrantFloodHazard {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final int MAX_EVENTS = 1_000_000;

	private final AtomicLong runs = new AtomicLong();

	private final Map<Long, Flood> active = new ConcurrentHashMap<>();

	private final SelectorWakeQueue queue;

	private final ApplicationEventPublisher events;

	ReentrantFloodHazard(SelectorWakeQueue queue, ApplicationEventPublisher events) {
		this.queue = queue;
		this.events = events;
	}

	@PostMapping("/hazards/reentrant")
	HazardReport flood(@RequestParam(required = false) String events) {
		ParameterCheck check = new ParameterCheck();
		int n = check.intBetween("events", events, 2 * this.queue.capacity(), 1, MAX_EVENTS);
		check.orThrow();
		long run = this.runs.incrementAndGet();
		Flood flood = new Flood(new Deliveries(this.queue));
		this.active.put(run, flood);
		long callerRunsBefore = this.queue.stats().callerRuns();
		long overflowedBefore = this.queue.stats().overflowed();
		long start = System.nanoTime();
		try {
			this.queue.execute(() -> floodFromReactor(flood, run, n));
			flood.deliveries.awaitDelivered(n, WAIT);
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("capacity", this.queue.capacity());
			details.put("floodRanOn", flood.floodThread);
			details.put("deliveredInlineWhileQueueFull", flood.inline.sum());
			details.put("deliveredFromQueueAfterwards", flood.queued.sum());
			details.put("deliveredOutOfOrder", flood.outOfOrder.sum());
			details.put("queueOverflowedDelta", this.queue.stats().overflowed() - overflowedBefore);
			details.put("queueCallerRunsDelta", this.queue.stats().callerRuns() - callerRunsBefore);
			details.put("note", "the reactor published beyond capacity into its own queue; the overflow waited in order "
					+ "behind it instead of blocking, and was delivered after the flood");
			return flood.deliveries.report("reentrant", start, details);
		}
		finally {
			this.active.remove(run);
		}
	}

	/** Runs on the reactor: publishes {@code events} events into the queue it is draining. */
	private void floodFromReactor(Flood flood, long run, int events) {
		flood.floodThread = Thread.currentThread().getName();
		flood.flooding = true;
		try {
			for (int i = 0; i < events; i++) {
				flood.deliveries.recordPublished();
				this.events.publishEvent(new FloodItem(run, i));
			}
		}
		finally {
			flood.flooding = false;
		}
	}

	@EventListener
	void onFloodItem(FloodItem item) {
		Flood flood = this.active.get(item.run());
		if (flood == null) {
			return;
		}
		if (this.queue.isReactorThread()) {
			// Still inside the flood: this item ran inline on the reactor (it no longer does: it waits its turn).
			(flood.flooding ? flood.inline : flood.queued).increment();
		}
		if (item.sequence() != flood.nextSequence) {
			flood.outOfOrder.increment();
		}
		flood.nextSequence = item.sequence() + 1;
		flood.deliveries.recordDelivered();
	}

	/**
	 * One event of the flood.
	 * @param run the demo run
	 * @param sequence its place in the flood
	 */
	record FloodItem(long run, int sequence) {
	}

	private static final class Flood {

		final Deliveries deliveries;

		final LongAdder inline = new LongAdder();

		final LongAdder queued = new LongAdder();

		final LongAdder outOfOrder = new LongAdder();

		/** Written by the one listener call at a time of this listener's lane. */
		int nextSequence;

		volatile boolean flooding;

		volatile String floodThread;

		Flood(Deliveries deliveries) {
			this.deliveries = deliveries;
		}

	}

}
