package io.github.selectorwakequeue.spring.test;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.util.ClassUtils;

/**
 * The wait {@link AwaitEventDelivery} switches on for the thread that runs the current test method: armed before the
 * test method, disarmed after it, read by {@link TestThreadWaitListener} after each event published on that thread.
 * Confined to that thread (a plain thread-local: threads the test starts do not inherit it).
 *
 * <p>The wait after a commit runs in a transaction synchronization's {@code afterCompletion}, where Spring logs a
 * failure and carries on (as it does for the wait after an event that an after-commit listener publishes there; the
 * wait after the commit repeats that one). So the first failure of a wait inside a transaction or after its commit is
 * kept, to fail the test when its method ends.
 */
final class TestThreadWait {

	private static final ThreadLocal<TestThreadWait> ARMED = new ThreadLocal<>();

	/** Whether spring-tx is present: {@link AfterCommitWait} is loaded only then. */
	private static final boolean TRANSACTIONS = ClassUtils.isPresent(
			"org.springframework.transaction.support.TransactionSynchronizationManager",
			TestThreadWait.class.getClassLoader());

	private final EventDeliveryWaiter waiter;

	private final Duration timeout;

	private @Nullable AssertionError failedInTransaction;

	private TestThreadWait(EventDeliveryWaiter waiter, Duration timeout) {
		this.waiter = waiter;
		this.timeout = timeout;
	}

	/**
	 * Switches the wait on for the calling thread, until {@link #disarm()}.
	 * @param waiter the test context's waiter
	 * @param timeout the longest wait
	 */
	static void arm(EventDeliveryWaiter waiter, Duration timeout) {
		ARMED.set(new TestThreadWait(waiter, timeout));
	}

	/**
	 * @return the wait switched on for the calling thread, or {@code null}
	 */
	static @Nullable TestThreadWait current() {
		return ARMED.get();
	}

	/**
	 * Switches the wait off for the calling thread.
	 * @return the wait that was switched on, or {@code null}
	 */
	static @Nullable TestThreadWait disarm() {
		TestThreadWait armed = ARMED.get();
		ARMED.remove();
		return armed;
	}

	/**
	 * Waits after an event was published on the test thread: now, and again after the test thread's transaction
	 * commits, if there is one.
	 * @param event the event
	 */
	void afterPublish(ApplicationEvent event) {
		boolean inTransaction = TRANSACTIONS && AfterCommitWait.isInTransaction();
		await("after publishEvent(" + describe(event) + ") on the test thread", inTransaction);
		if (inTransaction) {
			AfterCommitWait.registerOnce(this);
		}
	}

	/** Waits after the test thread's transaction committed. */
	void afterCommit() {
		await("after the test thread's transaction committed (for what its after-commit callbacks queued)", true);
	}

	/**
	 * Waits at a step of the test's life.
	 * @param when what the wait follows, for the failure message
	 */
	void await(String when) {
		await(when, false);
	}

	private void await(String when, boolean keepFailure) {
		try {
			this.waiter.awaitDelivery(this.timeout, when);
		}
		catch (AssertionError ex) {
			if (keepFailure && this.failedInTransaction == null) {
				this.failedInTransaction = ex;
			}
			throw ex;
		}
	}

	/**
	 * @return the first failure of a wait inside a transaction, once; or {@code null}
	 */
	@Nullable AssertionError takeFailure() {
		AssertionError failure = this.failedInTransaction;
		this.failedInTransaction = null;
		return failure;
	}

	private static String describe(ApplicationEvent event) {
		Object shown = (event instanceof PayloadApplicationEvent<?> payload) ? payload.getPayload() : event;
		return shown.getClass().getSimpleName();
	}

}
