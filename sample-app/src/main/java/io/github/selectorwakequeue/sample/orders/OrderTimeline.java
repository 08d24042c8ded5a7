package io.github.selectorwakequeue.sample.orders;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.stereotype.Component;

/**
 * Where the order listeners note which thread they ran on, so that {@code POST /orders} can answer with
 * it. Listeners may run before the controller asks (the reactor is fast), so a step is created by
 * whichever side comes first. Every wait is bounded.
 */
@Component
class OrderTimeline {

	/** The steps an order goes through after it is placed. */
	enum Step {

		AUDIT, AFTER_COMMIT, CONFIRMATION, FOLLOW_UP

	}

	private final Map<Long, Map<Step, CompletableFuture<String>>> orders = new ConcurrentHashMap<>();

	/**
	 * Records that a step ran on the current thread.
	 * @param orderId the order
	 * @param step the step
	 */
	void ranHere(long orderId, Step step) {
		future(orderId, step).complete(Thread.currentThread().getName());
	}

	/**
	 * Waits, at most {@code timeout} in all, for the order's steps, then forgets the order.
	 * @param orderId the order
	 * @param timeout the longest wait for all steps together
	 * @return the thread of each step, or {@code "(not run within the wait)"}
	 */
	Map<Step, String> awaitAndForget(long orderId, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		Map<Step, String> threads = new EnumMap<>(Step.class);
		try {
			for (Step step : Step.values()) {
				long left = Math.max(0, deadline - System.nanoTime());
				threads.put(step, await(future(orderId, step), left));
			}
		}
		finally {
			this.orders.remove(orderId);
		}
		return threads;
	}

	private static String await(CompletableFuture<String> future, long nanos) throws InterruptedException {
		try {
			return future.get(nanos, TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException | ExecutionException ex) {
			return "(not run within the wait)";
		}
	}

	private CompletableFuture<String> future(long orderId, Step step) {
		return this.orders.computeIfAbsent(orderId, (id) -> new ConcurrentHashMap<>())
			.computeIfAbsent(step, (s) -> new CompletableFuture<>());
	}

}
