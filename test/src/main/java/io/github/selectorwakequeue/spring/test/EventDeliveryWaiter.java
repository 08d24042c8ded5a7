package io.github.selectorwakequeue.spring.test;

import java.time.Duration;
import java.util.Objects;

import io.github.selectorwakequeue.SelectorWakeQueue;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;

/**
 * Waits in a test until the application's {@link SelectorWakeQueue} is <b>quiescent</b>: until every application
 * event published before the call has been delivered to all its listeners, with everything those listeners set off
 * on the queue in turn. Inject it into a Spring test ({@code @Autowired EventDeliveryWaiter delivery}; every test
 * context has one while this module is on the test class path), publish, call {@link #awaitDelivery()}, assert.
 *
 * <p>Quiescent covers, for the work accepted by the queue before the call:
 * <ul>
 * <li>each listener that the starter runs off the publisher's thread, in its lane: inline on the reactor, on a lane
 * worker, or on a thread left behind with a stuck listener;</li>
 * <li>every event those listeners publish in turn (and every listener return value Spring re-publishes), and every
 * task they {@code execute} on the queue, down the whole chain;</li>
 * <li>Spring Modulith module-listener invocations of transactions that have committed, with Modulith marking their
 * publications completed (unless they are still held back in commit order behind a transaction that is committing
 * on another thread);</li>
 * <li>tasks submitted with {@code queue.execute(...)}.</li>
 * </ul>
 * It does not cover: timers ({@code queue.schedule}) not yet due; work handed to another executor ({@code @Async}
 * methods, your own thread pools, message-broker consumers) and what that publishes later; events other threads
 * publish after the call (an HTTP request still being served); the queues of Logback appenders. Listeners that run
 * on the publisher's thread (framework events, {@code @TransactionalEventListener}s, Spring's
 * {@code @RecordApplicationEvents} recorder) have already run when {@code publishEvent} returns.
 *
 * <p>Without a queue ({@code selector-wake-queue.enabled=false}) there is nothing to wait for and it returns at
 * once; with {@code selector-wake-queue.events.enabled=false} events are delivered on the publisher's thread and it
 * waits only for tasks queued on the queue. With several queues it waits for the {@code @Primary} one, which events
 * are routed through.
 *
 * <p>Thread-safe. It blocks the calling thread for at most the timeout (pausing between looks, using no CPU); cheap
 * when nothing is queued (a few volatile reads). It must not be called on the queue's own threads (from a listener,
 * say): it would wait for itself, and throws {@link IllegalStateException} instead.
 */
public final class EventDeliveryWaiter {

	/** How long {@link #awaitDelivery()} waits at most: Awaitility's and Spring Modulith {@code Scenario}'s default. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

	private final @Nullable SelectorWakeQueue queue;

	/**
	 * Creates a waiter for the application's queue, resolved now.
	 * @param queue the application's queue, if it has a unique one (or a {@code @Primary} one)
	 */
	public EventDeliveryWaiter(ObjectProvider<SelectorWakeQueue> queue) {
		this.queue = Objects.requireNonNull(queue, "queue").getIfUnique();
	}

	/**
	 * Waits up to {@link #DEFAULT_TIMEOUT} until the queue is quiescent (see the class description).
	 * @throws AssertionError if it is not quiescent by then, naming the listeners and tasks still running or
	 * waiting; or if the calling thread is interrupted while waiting (its interrupt flag is set again)
	 * @throws IllegalStateException if called on the queue's reactor or one of its lane workers
	 */
	public void awaitDelivery() {
		awaitDelivery(DEFAULT_TIMEOUT);
	}

	/**
	 * Waits up to {@code timeout} until the queue is quiescent (see the class description).
	 * @param timeout how long to wait at most (zero or more)
	 * @throws AssertionError if it is not quiescent by then, naming the listeners and tasks still running or
	 * waiting; or if the calling thread is interrupted while waiting (its interrupt flag is set again)
	 * @throws IllegalStateException if called on the queue's reactor or one of its lane workers
	 * @throws IllegalArgumentException if {@code timeout} is negative
	 */
	public void awaitDelivery(Duration timeout) {
		awaitDelivery(timeout, "after awaitDelivery was called");
	}

	/**
	 * Waits up to {@code timeout} until the queue is quiescent.
	 * @param timeout how long to wait at most
	 * @param when what the wait follows, for the failure message ("after publishEvent(OrderPlaced) on the test
	 * thread")
	 */
	void awaitDelivery(Duration timeout, String when) {
		Objects.requireNonNull(timeout, "timeout");
		SelectorWakeQueue target = this.queue;
		if (target == null) {
			return;
		}
		boolean quiescent;
		try {
			quiescent = target.awaitQuiescence(timeout);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			AssertionError failure = new AssertionError("Interrupted while waiting for event delivery on queue '"
					+ target.name() + "' " + when);
			failure.initCause(ex);
			throw failure;
		}
		if (!quiescent) {
			throw new AssertionError(UnfinishedWork.of(target).describe(timeout, when));
		}
	}

}
