package io.github.selectorwakequeue.spring.modulith;

import java.lang.reflect.Method;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.spring.event.EventDeliveryObserver;
import io.github.selectorwakequeue.spring.event.EventRouter;
import io.github.selectorwakequeue.spring.event.EventRoutingSettings;
import io.github.selectorwakequeue.spring.event.EventRoutingStatus;
import io.github.selectorwakequeue.spring.event.ListenerTask;
import io.github.selectorwakequeue.spring.modulith.CommitSequencer.Ticket;
import org.aopalliance.intercept.MethodInvocation;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.ErrorHandler;
import org.springframework.util.ReflectionUtils;

/**
 * Runs the invocations of Spring Modulith module listeners ({@code @ApplicationModuleListener}: asynchronous
 * after-commit transactional listeners) on the {@link SelectorWakeQueue}'s reactor instead of Spring's
 * {@code @Async} executor, one at a time per listener and in <b>commit order</b>.
 *
 * <p>How commit order is kept: when an event is published inside a transaction, the multicaster calls
 * {@link #joinTransaction()}, which registers one synchronization per transaction. It reserves a place in line just
 * before the commit (in {@code beforeCompletion}, after every {@code beforeCommit} callback), so two transactions
 * that conflict on data reserve in the order the database commits them. After the commit, Spring's own
 * synchronizations call the listeners; their {@code @Async} hand-off reaches {@link #dispatch}, which adds the
 * invocation to that place; once the transaction's callbacks are done, the place is released to the queue in turn.
 * Invocations without a reservation (resubmission of incomplete publications, fallback execution without a
 * transaction) queue behind everything reserved so far.
 *
 * <p>Never blocks the caller. The invocation then runs on the reactor with everything that sits behind Spring's
 * {@code @Async} interceptor, notably Modulith's {@code CompletionRegisteringAdvisor}: the publication is marked
 * completed there, after the listener returned. A failure is reported like a failing listener on the reactor;
 * Modulith leaves the publication incomplete. Thread-safe.
 */
public final class ModuleListenerDispatcher {

	private final EventRouter router;

	private final CommitSequencer sequencer;

	/** The place reserved by the transaction whose after-commit callbacks run on this thread now. */
	private final ThreadLocal<Ticket> current = new ThreadLocal<>();

	private volatile boolean active;

	/**
	 * Creates a dispatcher. Nothing is resolved until the first invocation.
	 * @param queue the queue to run on; without a unique one, invocations run on the calling thread
	 * @param settings routing settings (whether to carry the caller's context), read once
	 * @param status the routing status, resolved as for events
	 * @param errorHandler the user's {@link ErrorHandler}, if any: it hears about failing invocations
	 * @param observer wraps each invocation run in a listener's lane, if there is a unique one
	 */
	public ModuleListenerDispatcher(ObjectProvider<SelectorWakeQueue> queue, Supplier<EventRoutingSettings> settings,
			ObjectProvider<EventRoutingStatus> status, ObjectProvider<ErrorHandler> errorHandler,
			ObjectProvider<EventDeliveryObserver> observer) {
		this.router = new EventRouter(queue, settings, status, errorHandler, observer, ModuleListenerDispatcher::invoke);
		this.sequencer = new CommitSequencer((task) -> this.router.submit((ListenerTask) task));
	}

	/**
	 * Sets the class loader in which optional integrations are looked up.
	 * @param classLoader the bean class loader
	 */
	public void setClassLoader(ClassLoader classLoader) {
		this.router.setClassLoader(classLoader);
	}

	/**
	 * Marks that at least one module listener routes through this dispatcher: before that,
	 * {@link #joinTransaction()} costs nothing.
	 */
	void activate() {
		this.active = true;
	}

	/**
	 * Makes sure the current transaction, if there is one, keeps its place in the commit order of module listener
	 * invocations. Called on the publisher's thread for each event; cheap when there is no transaction.
	 */
	public void joinTransaction() {
		if (!this.active || !TransactionSynchronizationManager.isSynchronizationActive()
				|| !TransactionSynchronizationManager.isActualTransactionActive()) {
			return;
		}
		for (TransactionSynchronization synchronization : TransactionSynchronizationManager.getSynchronizations()) {
			if (synchronization instanceof CommitOrderSynchronization joined && joined.belongsTo(this)) {
				return;
			}
		}
		TransactionSynchronizationManager.registerSynchronization(new CommitOrderSynchronization(this));
	}

	/**
	 * Queues one invocation of a module listener method, in commit order, and returns at once.
	 * @param invocation the intercepted invocation; proceeding with it runs the rest of the advice chain
	 * (Modulith's completion registration, the listener's transaction) and the method
	 * @return {@code null} for a {@code void} method; for a method returning a future, a {@link CompletableFuture}
	 * completed with the method's own future's outcome
	 */
	Object dispatch(MethodInvocation invocation) {
		Method method = invocation.getMethod();
		CompletableFuture<Object> result = returnsFuture(method) ? new CompletableFuture<>() : null;
		Runnable action = () -> proceed(invocation, result);
		ListenerTask task = this.router.prepare(method, action);
		Ticket ticket = this.current.get();
		if (ticket != null) {
			ticket.add(task);
		}
		else {
			this.sequencer.submit(task);
		}
		return result;
	}

	/**
	 * @return places reserved by transactions and not yet released (for diagnostics and tests)
	 */
	int pendingCommits() {
		return this.sequencer.pending();
	}

	Ticket reserve() {
		return this.sequencer.reserve();
	}

	/**
	 * Makes a ticket the place of the invocations dispatched on this thread until {@link #close} is called.
	 * @return the ticket it replaces (a nested transaction's callbacks run inside an outer one's)
	 */
	Ticket open(Ticket ticket) {
		Ticket previous = this.current.get();
		this.current.set(ticket);
		return previous;
	}

	void close(Ticket previous) {
		if (previous != null) {
			this.current.set(previous);
		}
		else {
			this.current.remove();
		}
	}

	static boolean returnsFuture(Method method) {
		return Future.class.isAssignableFrom(method.getReturnType());
	}

	private static void proceed(MethodInvocation invocation, CompletableFuture<Object> result) {
		Object value;
		try {
			value = invocation.proceed();
		}
		catch (Throwable ex) {
			if (result != null) {
				result.completeExceptionally(ex);
				return;
			}
			ReflectionUtils.rethrowRuntimeException(ex);
			return;
		}
		if (result != null) {
			complete(result, value);
		}
	}

	private static void complete(CompletableFuture<Object> result, Object value) {
		if (value instanceof CompletionStage<?> stage) {
			stage.whenComplete((outcome, failure) -> {
				if (failure != null) {
					result.completeExceptionally(failure);
				}
				else {
					result.complete(outcome);
				}
			});
		}
		else if (value instanceof Future<?> future && !future.isDone()) {
			// Waiting for it would block the reactor.
			result.completeExceptionally(new IllegalStateException("A module listener that returns a Future must "
					+ "return a CompletableFuture (or a completed Future) to run on the reactor; got " + future));
		}
		else if (value instanceof Future<?> future) {
			try {
				result.complete(future.get());
			}
			catch (Exception ex) {
				result.completeExceptionally(ex);
			}
		}
		else {
			result.complete(value);
		}
	}

	/** Used by the router only for events, which this dispatcher never multicasts. */
	@SuppressWarnings("unchecked")
	private static void invoke(ApplicationListener<?> listener, ApplicationEvent event) {
		((ApplicationListener<ApplicationEvent>) listener).onApplicationEvent(event);
	}

}
