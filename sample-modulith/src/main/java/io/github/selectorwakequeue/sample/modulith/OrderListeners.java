package io.github.selectorwakequeue.sample.modulith;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.context.event.EventListener;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Component;

/**
 * A module listener (after commit, in its own transaction, its publication tracked by Modulith) and a plain listener
 * of the same event. Each records where it ran; the module listener also counts commits received out of order.
 */
@Component
public class OrderListeners {

	private final AtomicLong received = new AtomicLong();

	private final AtomicLong outOfOrder = new AtomicLong();

	private final Set<String> moduleListenerThreads = ConcurrentHashMap.newKeySet();

	private final Set<String> plainListenerThreads = ConcurrentHashMap.newKeySet();

	private long last;

	@ApplicationModuleListener
	public void shipOrder(OrderPlaced event) {
		// One invocation at a time (the queue): plain fields are enough for the order check.
		if (event.sequence() <= this.last) {
			this.outOfOrder.incrementAndGet();
		}
		this.last = event.sequence();
		this.moduleListenerThreads.add(Thread.currentThread().getName());
		this.received.incrementAndGet();
	}

	@EventListener
	public void auditOrder(OrderPlaced event) {
		this.plainListenerThreads.add(Thread.currentThread().getName());
	}

	// Read through these methods: the bean is a proxy (transactions, @Async), whose own fields are not the listener's.

	public long received() {
		return this.received.get();
	}

	public long outOfOrder() {
		return this.outOfOrder.get();
	}

	public Set<String> moduleListenerThreads() {
		return Set.copyOf(this.moduleListenerThreads);
	}

	public Set<String> plainListenerThreads() {
		return Set.copyOf(this.plainListenerThreads);
	}

}
