package io.github.selectorwakequeue.sample.hazards;

import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.sample.web.ParameterCheck;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Demonstrates the original hazard (CPython bpo-14976) on the JVM: code run by the garbage collector's
 * clean-up publishes an event. Objects registered with a {@link Cleaner} publish when collected, on the
 * {@code Cleaner} thread, at a moment nobody chose. With a lock-based or blocking queue that thread could
 * block or deadlock and stall every later clean-up; here publishing is a lock-free append, so the
 * {@code Cleaner} thread never waits. {@code POST /hazards/gc?objects=N} allocates N such objects, drops
 * them, calls {@code System.gc()} and answers with what was published and delivered (bounded wait). N is 1 to
 * 100,000 (default 1000); anything else is answered with 400.
 */
@RestController
class GcHazard {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final int MAX_OBJECTS = 100_000;

	private final Cleaner cleaner = Cleaner.create();

	private final AtomicLong runs = new AtomicLong();

	private final Map<Long, Deliveries> active = new ConcurrentHashMap<>();

	private final SelectorWakeQueue queue;

	private final ApplicationEventPublisher events;

	GcHazard(SelectorWakeQueue queue, ApplicationEventPublisher events) {
		this.queue = queue;
		this.events = events;
	}

	@PostMapping("/hazards/gc")
	HazardReport collect(@RequestParam(required = false) String objects) {
		ParameterCheck check = new ParameterCheck();
		int n = check.intBetween("objects", objects, 1000, 1, MAX_OBJECTS);
		check.orThrow();
		long run = this.runs.incrementAndGet();
		Deliveries deliveries = new Deliveries(this.queue);
		this.active.put(run, deliveries);
		long start = System.nanoTime();
		try {
			for (int i = 0; i < n; i++) {
				// The clean-up action must not refer to the object, or it would never become unreachable.
				this.cleaner.register(new Object(), new PublishWhenCollected(this.events, deliveries, run));
			}
			long deadline = start + WAIT.toNanos();
			int gcCalls = 0;
			boolean all = false;
			while (!all && System.nanoTime() - deadline < 0) {
				System.gc();
				gcCalls++;
				all = deliveries.awaitDelivered(n, Duration.ofMillis(100));
			}
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("objectsRegistered", n);
			details.put("systemGcCalls", gcCalls);
			details.put("note", "published on the Cleaner thread during garbage collection; nothing blocked it");
			return deliveries.report("gc", start, details);
		}
		finally {
			this.active.remove(run);
		}
	}

	@EventListener
	void onCollected(Collected event) {
		Deliveries deliveries = this.active.get(event.run());
		if (deliveries != null) {
			deliveries.recordDelivered();
		}
	}

	/**
	 * Published when an object of a run is collected.
	 * @param run the demo run
	 */
	record Collected(long run) {
	}

	/** The clean-up action: runs on the {@code Cleaner} thread after the object became unreachable. */
	private record PublishWhenCollected(ApplicationEventPublisher events, Deliveries deliveries, long runId)
			implements Runnable {

		@Override
		public void run() {
			this.deliveries.recordPublished();
			this.events.publishEvent(new Collected(this.runId));
		}

	}

}
