package io.github.selectorwakequeue.spring.modulith;

import io.github.selectorwakequeue.spring.modulith.CommitSequencer.Ticket;

import org.springframework.core.Ordered;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Keeps one transaction's place in the commit order of module listener invocations (see
 * {@link ModuleListenerDispatcher}). Registered once per transaction, first in order:
 * <ol>
 * <li>{@code beforeCommit}: notes that the transaction is committing (a rollback never reserves);</li>
 * <li>{@code beforeCompletion}, after every {@code beforeCommit} callback and right before the commit itself:
 * reserves the place, and registers the {@link Closer}, which therefore comes after every other synchronization
 * of the transaction;</li>
 * <li>{@code afterCompletion}, committed: opens the place on this thread, so that the invocations Spring's
 * after-commit synchronizations dispatch next go into it;</li>
 * <li>{@link Closer#afterCompletion}, last: closes the place, releasing it in turn if the transaction committed,
 * giving it up otherwise.</li>
 * </ol>
 * Runs on the transaction's thread only.
 */
final class CommitOrderSynchronization implements TransactionSynchronization {

	private final ModuleListenerDispatcher dispatcher;

	private boolean committing;

	private Ticket ticket;

	private Ticket previous;

	private boolean opened;

	CommitOrderSynchronization(ModuleListenerDispatcher dispatcher) {
		this.dispatcher = dispatcher;
	}

	boolean belongsTo(ModuleListenerDispatcher candidate) {
		return this.dispatcher == candidate;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public void beforeCommit(boolean readOnly) {
		this.committing = true;
	}

	@Override
	public void beforeCompletion() {
		if (this.committing && this.ticket == null) {
			this.ticket = this.dispatcher.reserve();
			TransactionSynchronizationManager.registerSynchronization(new Closer());
		}
	}

	@Override
	public void afterCompletion(int status) {
		if (this.ticket != null && status == STATUS_COMMITTED) {
			this.previous = this.dispatcher.open(this.ticket);
			this.opened = true;
		}
	}

	/** Closes the reserved place once every other synchronization of the transaction has run. */
	private final class Closer implements TransactionSynchronization {

		@Override
		public int getOrder() {
			return Ordered.LOWEST_PRECEDENCE;
		}

		@Override
		public void afterCompletion(int status) {
			Ticket reserved = CommitOrderSynchronization.this.ticket;
			if (CommitOrderSynchronization.this.opened) {
				CommitOrderSynchronization.this.dispatcher.close(CommitOrderSynchronization.this.previous);
			}
			reserved.close(status == STATUS_COMMITTED);
		}

	}

}
