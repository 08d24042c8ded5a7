package io.github.selectorwakequeue.sample.hazards;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.selectorwakequeue.sample.web.ParameterCheck;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Demonstrates a stalled listener and the health indicator that catches it. {@code POST
 * /hazards/stall?seconds=S} publishes an event whose listener blocks the reactor for S seconds; once it
 * has run longer than {@code selector-wake-queue.health.stall-threshold}, {@code /actuator/health} turns
 * {@code DOWN} (with the reactor's stack in the details of {@code selectorWakeQueue}), and {@code UP}
 * again when it returns. Events published meanwhile wait in the queue (once it is full, the overflow
 * policy applies); publishers are never blocked. The answer comes at once; a stall is cut short when the
 * application shuts down, so it never holds up closing. {@code seconds} is 1 to 120 (default 15); anything else
 * is answered with 400.
 */
@RestController
class StallHazard {

	private static final int MAX_SECONDS = 120;

	private final Set<CountDownLatch> stalls = ConcurrentHashMap.newKeySet();

	private final ApplicationEventPublisher events;

	private final Duration threshold;

	private volatile boolean closing;

	StallHazard(ApplicationEventPublisher events,
			@Value("${selector-wake-queue.health.stall-threshold:10s}") Duration threshold) {
		this.events = events;
		this.threshold = threshold;
	}

	@PostMapping("/hazards/stall")
	Map<String, Object> stall(@RequestParam(defaultValue = "15") String seconds) {
		ParameterCheck check = new ParameterCheck();
		int s = check.intBetween("seconds", seconds, 1, MAX_SECONDS);
		check.orThrow();
		this.events.publishEvent(new StallRequested(s));
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("hazard", "stall");
		answer.put("reactorBlockedForSeconds", s);
		answer.put("stallThreshold", this.threshold.toString());
		answer.put("watch", "/actuator/health/selectorWakeQueue");
		answer.put("note", "health turns DOWN once the listener has run longer than the threshold, and UP after it returns");
		return answer;
	}

	/** Runs on the reactor and holds it for the requested time. */
	@EventListener
	void onStallRequested(StallRequested request) throws InterruptedException {
		CountDownLatch release = new CountDownLatch(1);
		this.stalls.add(release);
		try {
			if (this.closing) {
				return;
			}
			release.await(request.seconds(), TimeUnit.SECONDS);
		}
		finally {
			this.stalls.remove(release);
		}
	}

	/** Ends any stall when the application shuts down, so that closing does not wait for it. */
	@EventListener(ContextClosedEvent.class)
	void releaseStalls() {
		this.closing = true;
		this.stalls.forEach(CountDownLatch::countDown);
	}

	/**
	 * Asks a listener to block the reactor.
	 * @param seconds for how long
	 */
	record StallRequested(int seconds) {
	}

}
