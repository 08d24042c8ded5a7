package io.github.selectorwakequeue.spring.event;

import java.util.concurrent.atomic.LongAdder;

/**
 * Whether application events are routed through the queue, why not if they are not, and how many
 * events went each way. A bean in every context where the queue exists; read by metrics and the
 * endpoint. Thread-safe; the counters are {@link LongAdder}s, cheap on the publishing path.
 */
public final class EventRoutingStatus {

	private volatile boolean active;

	private volatile String reason;

	private final LongAdder async = new LongAdder();

	private final LongAdder sync = new LongAdder();

	/**
	 * Starts as not routing, with the given reason, until a multicaster calls {@link #activate()}.
	 * @param reason why events are not (yet) routed
	 */
	public EventRoutingStatus(String reason) {
		this.reason = reason;
	}

	/** Marks events as routed through the queue. */
	public void activate() {
		this.reason = null;
		this.active = true;
	}

	/**
	 * Marks events as not routed.
	 * @param reason why not, for the endpoint
	 */
	public void deactivate(String reason) {
		this.active = false;
		this.reason = reason;
	}

	/**
	 * @return whether events are delivered through the queue
	 */
	public boolean isActive() {
		return this.active;
	}

	/**
	 * @return why events are not routed, or {@code null} when they are
	 */
	public String getReason() {
		return this.reason;
	}

	/** Counts one event delivered on the reactor thread. */
	public void countAsync() {
		this.async.increment();
	}

	/** Counts one event delivered on the publisher's thread. */
	public void countSync() {
		this.sync.increment();
	}

	/**
	 * @return events delivered on the reactor thread so far
	 */
	public long asyncCount() {
		return this.async.sum();
	}

	/**
	 * @return events delivered on the publisher's thread so far
	 */
	public long syncCount() {
		return this.sync.sum();
	}

}
