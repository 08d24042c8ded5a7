package io.github.selectorwakequeue.spring.test;

import org.springframework.core.Ordered;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Waits once more when the test thread's transaction has committed, for what its after-commit callbacks queued (Spring
 * calls after-commit {@code @TransactionalEventListener}s, and so Spring Modulith's module listeners, from
 * {@code afterCompletion}). Registered once per transaction, by the first event published in it, last in order; it
 * registers the synchronization that waits only in its {@code beforeCompletion}, so that the wait also comes after
 * the synchronizations that earlier ones register in theirs (the starter's commit-order bookkeeping for module
 * listeners releases their invocations to the queue from such a one). A rollback waits for nothing more. Runs on the
 * test thread only. Loaded only when spring-tx is present (see {@link TestThreadWait}).
 */
final class AfterCommitWait implements TransactionSynchronization {

	private final TestThreadWait wait;

	/** {@code false} for the synchronization registered by the first event, {@code true} for the one that waits. */
	private final boolean waits;

	private AfterCommitWait(TestThreadWait wait, boolean waits) {
		this.wait = wait;
		this.waits = waits;
	}

	/**
	 * @return whether the calling thread is in a transaction that takes synchronizations
	 */
	static boolean isInTransaction() {
		return TransactionSynchronizationManager.isSynchronizationActive();
	}

	/**
	 * Makes sure the calling thread's transaction waits once more after its commit.
	 * @param wait the test thread's wait
	 */
	static void registerOnce(TestThreadWait wait) {
		for (TransactionSynchronization synchronization : TransactionSynchronizationManager.getSynchronizations()) {
			if (synchronization instanceof AfterCommitWait registered && registered.wait == wait) {
				return;
			}
		}
		TransactionSynchronizationManager.registerSynchronization(new AfterCommitWait(wait, false));
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void beforeCompletion() {
		if (!this.waits) {
			TransactionSynchronizationManager.registerSynchronization(new AfterCommitWait(this.wait, true));
		}
	}

	@Override
	public void afterCompletion(int status) {
		if (this.waits && status == STATUS_COMMITTED) {
			this.wait.afterCommit();
		}
	}

}
