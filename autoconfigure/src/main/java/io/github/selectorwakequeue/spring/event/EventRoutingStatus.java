package io.github.selectorwakequeue.spring.event;

import java.util.List;
import java.util.function.Supplier;
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

	private volatile Supplier<List<RoutedListener>> listeners = List::of;

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
	 * Counts events delivered on the publisher's thread before this status was known to the multicaster.
	 * @param events how many, at least 0
	 */
	public void countSync(long events) {
		this.sync.add(events);
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

	/**
	 * Sets where the description of the context's listeners comes from: its multicaster, once it routes.
	 * @param listeners describes the listeners when asked, without creating any
	 */
	public void describeListenersWith(Supplier<List<RoutedListener>> listeners) {
		this.listeners = listeners;
	}

	/**
	 * Describes the context's listeners now: where each runs and why. Computed when called (from registrations and
	 * bean definitions, never by creating a listener bean); empty until the multicaster has routed an event.
	 * @return the listeners
	 */
	public List<RoutedListener> listeners() {
		return this.listeners.get();
	}

}
