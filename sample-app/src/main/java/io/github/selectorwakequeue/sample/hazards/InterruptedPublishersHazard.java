package io.github.selectorwakequeue.sample.hazards;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.sample.web.ParameterCheck;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Demonstrates publishing from interrupted threads. {@code BlockingQueue.put} on an interrupted thread
 * throws {@code InterruptedException} (the event is lost), and a blocking pipe write closes the pipe
 * for good. Here the publishers interrupt themselves first, then publish: every event is delivered, and
 * each thread still has its interrupt status afterwards (the queue neither throws nor swallows it).
 * {@code POST /hazards/interrupted?threads=T&events=N} (N events per thread): T is 1 to 64 (default 4), N 1 to
 * 100,000 (default 1000); anything else is answered with 400.
 */
@RestController
class InterruptedPublishersHazard {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final int MAX_THREADS = 64;

	private static final int MAX_EVENTS_PER_THREAD = 100_000;

	private final AtomicLong runs = new AtomicLong();

	private final Map<Long, Deliveries> active = new ConcurrentHashMap<>();

	private final SelectorWakeQueue queue;

	private final ApplicationEventPublisher events;

	InterruptedPublishersHazard(SelectorWakeQueue queue, ApplicationEventPublisher events) {
		this.queue = queue;
		this.events = events;
	}

	@PostMapping("/hazards/interrupted")
	HazardReport publishInterrupted(@RequestParam(required = false) String threads,
			@RequestParam(required = false) String events) throws InterruptedException {
		ParameterCheck check = new ParameterCheck();
		int publishers = check.intBetween("threads", threads, 4, 1, MAX_THREADS);
		int perPublisher = check.intBetween("events", events, 1000, 1, MAX_EVENTS_PER_THREAD);
		check.orThrow();
		long run = this.runs.incrementAndGet();
		Deliveries deliveries = new Deliveries(this.queue);
		this.active.put(run, deliveries);
		AtomicInteger stillInterrupted = new AtomicInteger();
		long start = System.nanoTime();
		try {
			List<Thread> started = new ArrayList<>();
			for (int t = 0; t < publishers; t++) {
				Thread publisher = new Thread(() -> {
					Thread.currentThread().interrupt();
					for (int i = 0; i < perPublisher; i++) {
						deliveries.recordPublished();
						this.events.publishEvent(new PublishedWhileInterrupted(run));
					}
					if (Thread.currentThread().isInterrupted()) {
						stillInterrupted.incrementAndGet();
					}
				}, "interrupted-publisher-" + t);
				publisher.start();
				started.add(publisher);
			}
			long deadline = start + WAIT.toNanos();
			for (Thread publisher : started) {
				TimeUnit.NANOSECONDS.timedJoin(publisher, Math.max(1, deadline - System.nanoTime()));
			}
			deliveries.awaitDelivered((long) publishers * perPublisher,
					Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("publisherThreads", publishers);
			details.put("threadsStillInterruptedAfterPublishing", stillInterrupted.get());
			details.put("note", "each publisher interrupted itself before publishing; no event lost, no status cleared");
			return deliveries.report("interrupted", start, details);
		}
		finally {
			this.active.remove(run);
		}
	}

	@EventListener
	void onEvent(PublishedWhileInterrupted event) {
		Deliveries deliveries = this.active.get(event.run());
		if (deliveries != null) {
			deliveries.recordDelivered();
		}
	}

	/**
	 * Published by a thread whose interrupt status is set.
	 * @param run the demo run
	 */
	record PublishedWhileInterrupted(long run) {
	}

}
