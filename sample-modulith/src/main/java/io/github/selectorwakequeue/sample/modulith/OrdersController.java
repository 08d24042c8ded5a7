package io.github.selectorwakequeue.sample.modulith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.github.selectorwakequeue.SelectorWakeQueue;

import org.springframework.http.HttpStatus;
import org.springframework.modulith.events.core.EventPublicationRegistry;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code POST /orders?count=1000&threads=4}: commits the orders from that many threads, waits (bounded) until the
 * module listener has received them all, and reports.
 */
@RestController
public class OrdersController {

	private static final Duration BOUND = Duration.ofSeconds(60);

	private final Orders orders;

	private final OrderListeners listeners;

	private final EventPublicationRegistry registry;

	private final SelectorWakeQueue queue;

	OrdersController(Orders orders, OrderListeners listeners, EventPublicationRegistry registry,
			SelectorWakeQueue queue) {
		this.orders = orders;
		this.listeners = listeners;
		this.registry = registry;
		this.queue = queue;
	}

	@PostMapping("/orders")
	public Map<String, Object> place(@RequestParam(defaultValue = "1000") int count,
			@RequestParam(defaultValue = "4") int threads) throws Exception {
		if (count < 1 || count > 100_000 || threads < 1 || threads > 16) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "Invalid request parameters: 'count' was " + count
					+ ", allowed: 1 to 100000; 'threads' was " + threads + ", allowed: 1 to 16");
		}
		long before = this.listeners.received();
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int share = count / threads + ((t < count % threads) ? 1 : 0);
				done.add(pool.submit(() -> {
					for (int i = 0; i < share; i++) {
						this.orders.place();
					}
				}));
			}
			for (Future<?> future : done) {
				future.get();
			}
		}
		finally {
			pool.shutdownNow();
		}
		// The module listener runs after each commit, on the queue: wait until the queue has run what it was given.
		this.queue.awaitQuiescence(BOUND);
		long delivered = this.listeners.received() - before;
		return Map.of("committed", count, "moduleListenerReceived", delivered, "allReceived", delivered == count,
				"receivedOutOfCommitOrder", this.listeners.outOfOrder(), "moduleListenerRanOn",
				new TreeSet<>(this.listeners.moduleListenerThreads()), "plainListenerRanOn",
				new TreeSet<>(this.listeners.plainListenerThreads()), "incompletePublications",
				this.registry.findIncompletePublications().size());
	}

}
