package io.github.selectorwakequeue.sample.hazards;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.github.selectorwakequeue.SelectorWakeQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Demonstrates publishing from a signal handler: while the application runs, a {@code SIGWINCH} handler
 * ({@code kill -WINCH <pid>}, or resizing the terminal it runs in) publishes an event from the JVM's
 * signal-dispatch thread. A handler that blocks delays every later signal, including the ones that stop
 * the JVM; publishing here never blocks. {@code GET /hazards/signal} shows the totals so far;
 * {@code POST /hazards/signal} raises the signal in-process and waits (bounded) for its delivery.
 * Uses {@code sun.misc.Signal} (module {@code jdk.unsupported}): where {@code SIGWINCH} does not exist,
 * as on Windows, the demo says so and does nothing.
 */
@RestController
class WinchSignalHazard implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(WinchSignalHazard.class);

	private static final String SIGNAL = "WINCH";

	private static final Duration WAIT = Duration.ofSeconds(5);

	private final Deliveries deliveries;

	private final ApplicationEventPublisher events;

	private final AtomicLong received = new AtomicLong();

	private volatile SignalHandler previous;

	private volatile String unsupported;

	WinchSignalHazard(SelectorWakeQueue queue, ApplicationEventPublisher events) {
		this.deliveries = new Deliveries(queue);
		this.events = events;
	}

	@Override
	public void start() {
		try {
			this.previous = Signal.handle(new Signal(SIGNAL), this::handle);
		}
		catch (IllegalArgumentException ex) {
			this.unsupported = "SIG" + SIGNAL + " cannot be handled here: " + ex.getMessage();
			logger.info(this.unsupported);
		}
	}

	@Override
	public void stop() {
		SignalHandler restore = this.previous;
		this.previous = null;
		if (restore != null) {
			Signal.handle(new Signal(SIGNAL), restore);
		}
	}

	@Override
	public boolean isRunning() {
		return this.previous != null;
	}

	/** Runs on the JVM's signal-dispatch thread. */
	private void handle(Signal signal) {
		this.deliveries.recordPublished();
		this.events.publishEvent(new WinchReceived(this.received.incrementAndGet()));
	}

	@EventListener
	void onWinch(WinchReceived event) {
		this.deliveries.recordDelivered();
	}

	/** The totals so far; its {@code millis} is this request's own (it raises nothing). */
	@GetMapping("/hazards/signal")
	HazardReport totals() {
		return report(System.nanoTime());
	}

	/** Raises one signal; {@code millis} is from raising it to its delivery. */
	@PostMapping("/hazards/signal")
	HazardReport raise() {
		long start = System.nanoTime();
		if (this.unsupported == null) {
			long before = this.deliveries.deliveredCount();
			Signal.raise(new Signal(SIGNAL));
			this.deliveries.awaitDelivered(before + 1, WAIT);
		}
		return report(start);
	}

	private HazardReport report(long startNanos) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("signal", "SIG" + SIGNAL);
		details.put("pid", ProcessHandle.current().pid());
		details.put("handlerInstalled", isRunning());
		details.put("note", (this.unsupported != null) ? this.unsupported
				: "totals since start; send more with: kill -WINCH " + ProcessHandle.current().pid());
		return this.deliveries.report("signal", startNanos, details);
	}

	/**
	 * Published by the signal handler.
	 * @param sequence how many signals were received so far
	 */
	record WinchReceived(long sequence) {
	}

}
