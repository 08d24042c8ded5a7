package io.github.selectorwakequeue.sample.hazards;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
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
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Demonstrates a stuck listener: it holds up only its own lane, and the health indicator names it. {@code POST
 * /hazards/stall?seconds=S} publishes an event whose listener blocks for S seconds. It starts on the reactor; once it
 * has run there longer than {@code selector-wake-queue.lanes.stuck-threshold} (100 ms), the reactor leaves it running
 * on its thread (its lane shows {@code STUCK} in {@code /actuator/wakequeue}, {@code reactorHandOffs} counts one) and
 * a new reactor thread carries on with every other listener and task: a {@code POST /burst} meanwhile is delivered
 * in full. Only this listener's own later events wait, in its lane. Once it has run longer than
 * {@code selector-wake-queue.health.stall-threshold}, {@code /actuator/health} turns {@code DOWN}, naming the
 * listener ({@code stalledListener}) and showing its thread's frames ({@code stalledThread}); when it returns, its
 * thread runs the events that waited for it, health is {@code UP} again, and the lane stays on a worker (a stall
 * counts as slow), so a later stall runs there from the start ({@code ON_WORKER}) and turns health {@code DOWN} the
 * same way. (With {@code selector-wake-queue.lanes.enabled=false} it holds the reactor instead, and everything waits
 * behind it.) Publishers are never blocked. The answer comes at once; a stall is cut short when the application shuts
 * down, so it never holds up closing. {@code seconds} is 1 to 120 (default 15); anything else is answered with 400.
 */
@RestController
class StallHazard {

	private static final int MAX_SECONDS = 120;

	/** The lane of {@link #onStallRequested}, as the starter names it ({@code Bean.method(Event)}). */
	static final String LISTENER = "StallHazard.onStallRequested(StallRequested)";

	private final Set<CountDownLatch> stalls = ConcurrentHashMap.newKeySet();

	private final ApplicationEventPublisher events;

	private final Duration threshold;

	private final Duration stuckThreshold;

	private volatile boolean closing;

	StallHazard(ApplicationEventPublisher events,
			@Value("${selector-wake-queue.health.stall-threshold:10s}") Duration threshold,
			@Value("${selector-wake-queue.lanes.stuck-threshold:100ms}") Duration stuckThreshold) {
		this.events = events;
		this.threshold = threshold;
		this.stuckThreshold = stuckThreshold;
	}

	/**
	 * What a stall does, before one is asked for (the dashboard shows it next to its input): a stall shorter than the
	 * stall threshold only shows its lane {@code STUCK}; health stays {@code UP}.
	 * @return the thresholds, as ISO-8601 durations, and the allowed {@code seconds}
	 */
	@GetMapping("/hazards/stall")
	Map<String, Object> settings() {
		Map<String, Object> settings = new LinkedHashMap<>();
		settings.put("stuckThreshold", this.stuckThreshold.toString());
		settings.put("stallThreshold", this.threshold.toString());
		settings.put("seconds", "1 to " + MAX_SECONDS + " (15)");
		return settings;
	}

	@PostMapping("/hazards/stall")
	Map<String, Object> stall(@RequestParam(required = false) String seconds) {
		ParameterCheck check = new ParameterCheck();
		int s = check.intBetween("seconds", seconds, 15, 1, MAX_SECONDS);
		check.orThrow();
		this.events.publishEvent(new StallRequested(s));
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("hazard", "stall");
		answer.put("listener", LISTENER);
		answer.put("listenerBlockedForSeconds", s);
		answer.put("stuckThreshold", this.stuckThreshold.toString());
		answer.put("stallThreshold", this.threshold.toString());
		answer.put("watch", List.of("/actuator/wakequeue", "/actuator/health/selectorWakeQueue"));
		answer.put("note", "after stuckThreshold on the reactor the listener keeps its thread (its lane STUCK) and a new "
				+ "reactor thread carries on with every other listener and task; only this listener's later events "
				+ "wait. Health turns DOWN, naming it, once it has run longer than stallThreshold, and UP after it "
				+ "returns");
		return answer;
	}

	/**
	 * Blocks its thread for the requested time: the reactor's at first, until the reactor hands it off; a lane
	 * worker's once the lane counts as slow.
	 */
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
	 * Asks a listener to block.
	 * @param seconds for how long
	 */
	record StallRequested(int seconds) {
	}

}
