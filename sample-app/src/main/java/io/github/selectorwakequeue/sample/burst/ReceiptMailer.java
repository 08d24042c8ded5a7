package io.github.selectorwakequeue.sample.burst;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Demonstrates a slow listener in its own lane: it mails a receipt for every {@link BurstEvent}, and each mail costs
 * about 1 ms of blocking I/O, four times the starter's slow threshold ({@code selector-wake-queue.lanes.slow-threshold},
 * 250 µs). After three such events in a row it leaves the reactor: a lane worker sends its receipts, one at a time and
 * in publish order, while {@link BurstTally}, which is quick, keeps getting every event on the reactor at once. So
 * {@code POST /burst} answers as soon as the tally has counted the burst, and shows this listener's lane
 * {@code ON_WORKER} with receipts still waiting; the dashboard and {@code /actuator/wakequeue} show them drain at
 * about a thousand a second. It never becomes quick, so it stays on a worker.
 *
 * <p>When the application shuts down it stops waiting for the (simulated) mail server: receipts still waiting are
 * counted as spooled instead of sent, so that closing does not take a millisecond per receipt (a real mailer would
 * leave them in an outbox to send after a restart), and their number is logged once the queue has closed. Thread-safe: caller-runs may deliver on a publisher's thread.
 */
@Component
public class ReceiptMailer {

	/** What one mail costs: the mail server's round trip, simulated. */
	static final long SEND_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	private static final Logger logger = LoggerFactory.getLogger(ReceiptMailer.class);

	private final LongAdder sent = new LongAdder();

	private final LongAdder spooled = new LongAdder();

	private volatile boolean closing;

	@EventListener
	void mailReceipt(BurstEvent event) {
		if (this.closing) {
			this.spooled.increment();
			return;
		}
		// A stand-in for blocking I/O (waiting for the mail server): the thread parks, using no CPU, for at least
		// SEND_NANOS, as a socket read would block it.
		long deadline = System.nanoTime() + SEND_NANOS;
		for (long left = SEND_NANOS; left > 0; left = deadline - System.nanoTime()) {
			LockSupport.parkNanos(this, left);
		}
		this.sent.increment();
	}

	/** At shutdown, stops waiting for the mail server (see the class comment). */
	@EventListener(ContextClosedEvent.class)
	void spoolFromNowOn() {
		this.closing = true;
	}

	/**
	 * Says how many receipts were spooled. Runs when the bean is destroyed: after the queue has closed, every event
	 * delivered, so the count is final.
	 */
	@PreDestroy
	void reportSpooled() {
		long left = spooled();
		if (left > 0) {
			logger.info("{} receipts were not mailed: the application shut down first (a real mailer would keep them "
					+ "in an outbox and send them after a restart)", left);
		}
	}

	/** @return receipts mailed so far */
	public long sent() {
		return this.sent.sum();
	}

	/** @return receipts left unsent because the application was shutting down */
	public long spooled() {
		return this.spooled.sum();
	}

}
