package io.github.selectorwakequeue.sample.modulith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.springframework.modulith.events.core.EventPublicationRegistry;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

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

	OrdersController(Orders orders, OrderListeners listeners, EventPublicationRegistry registry) {
		this.orders = orders;
		this.listeners = listeners;
		this.registry = registry;
	}

	@PostMapping("/orders")
	public Map<String, Object> place(@RequestParam(defaultValue = "1000") int count,
			@RequestParam(defaultValue = "4") int threads) throws Exception {
		if (count < 1 || count > 100_000 || threads < 1 || threads > 16) {
			throw new IllegalArgumentException("count must be 1..100000 and threads 1..16, got count=" + count
					+ ", threads=" + threads);
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
		long deadline = System.nanoTime() + BOUND.toNanos();
		while (this.listeners.received() < before + count && System.nanoTime() < deadline) {
			Thread.sleep(10); // polling a counter for the report, not synchronising anything
		}
		long delivered = this.listeners.received() - before;
		return Map.of("committed", count, "moduleListenerReceived", delivered, "allReceived", delivered == count,
				"receivedOutOfCommitOrder", this.listeners.outOfOrder(), "moduleListenerRanOn",
				new TreeSet<>(this.listeners.moduleListenerThreads()), "plainListenerRanOn",
				new TreeSet<>(this.listeners.plainListenerThreads()), "incompletePublications",
				this.registry.findIncompletePublications().size());
	}

}
