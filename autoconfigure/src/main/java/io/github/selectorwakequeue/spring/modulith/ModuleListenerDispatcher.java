package io.github.selectorwakequeue.spring.modulith;

import java.lang.reflect.Method;
import java.util.Objects;
import java.util.List;
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
import org.jspecify.annotations.Nullable;

import org.springframework.aop.interceptor.AsyncUncaughtExceptionHandler;
import org.springframework.aop.interceptor.SimpleAsyncUncaughtExceptionHandler;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.support.CompositeTaskDecorator;
import org.springframework.scheduling.annotation.AsyncConfigurer;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.ErrorHandler;

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
 * completed there, after the listener returned.
 *
 * <p>The application's {@code @Async} configuration applies as it did on Spring's executor: its {@link TaskDecorator}
 * beans (one, or all of them in order, as Spring Boot applies them to its task executor) wrap each invocation, on
 * the thread that hands it over; a failure of a {@code void} listener goes to the {@link AsyncUncaughtExceptionHandler}
 * of the application's {@link AsyncConfigurer} (Spring's default logs it), a listener returning a future fails
 * that future; Modulith leaves the publication incomplete either way. Thread-safe.
 */
public final class ModuleListenerDispatcher {

	private final EventRouter router;

	private final CommitSequencer sequencer;

	/** The place reserved by the transaction whose after-commit callbacks run on this thread now. */
	private final ThreadLocal<Ticket> current = new ThreadLocal<>();

	private volatile boolean active;

	private final ObjectProvider<TaskDecorator> taskDecorators;

	private final ObjectProvider<AsyncConfigurer> asyncConfigurers;

	/** The application's {@code @Async} configuration, resolved at the first invocation. */
	private volatile @Nullable AsyncSettings async;

	/**
	 * Creates a dispatcher. Nothing is resolved until the first invocation.
	 * @param queue the queue to run on; without a unique one, invocations run on the calling thread
	 * @param settings routing settings (whether to carry the caller's context), read once
	 * @param status the routing status, resolved as for events
	 * @param errorHandler the user's {@link ErrorHandler}, if any: it hears about what the
	 * {@link AsyncUncaughtExceptionHandler} itself throws
	 * @param observer wraps each invocation run in a listener's lane, if there is a unique one
	 * @param taskDecorators the application's task decorators, applied to each invocation as to Spring's executor
	 * @param asyncConfigurers the application's {@link AsyncConfigurer}, if any, for its exception handler
	 */
	public ModuleListenerDispatcher(ObjectProvider<SelectorWakeQueue> queue, Supplier<EventRoutingSettings> settings,
			ObjectProvider<EventRoutingStatus> status, ObjectProvider<ErrorHandler> errorHandler,
			ObjectProvider<EventDeliveryObserver> observer, ObjectProvider<TaskDecorator> taskDecorators,
			ObjectProvider<AsyncConfigurer> asyncConfigurers) {
		this.router = new EventRouter(queue, settings, status, errorHandler, observer, ModuleListenerDispatcher::invoke);
		this.sequencer = new CommitSequencer((task) -> this.router.submit((ListenerTask) task));
		this.taskDecorators = Objects.requireNonNull(taskDecorators, "taskDecorators");
		this.asyncConfigurers = Objects.requireNonNull(asyncConfigurers, "asyncConfigurers");
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
		AsyncSettings settings = asyncSettings();
		Runnable action = () -> proceed(invocation, result, settings.exceptionHandler());
		if (settings.decorator() != null) {
			action = settings.decorator().decorate(action);
		}
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

	private AsyncSettings asyncSettings() {
		AsyncSettings settings = this.async;
		if (settings == null) {
			List<TaskDecorator> decorators = this.taskDecorators.orderedStream().toList();
			TaskDecorator decorator = (decorators.size() == 1) ? decorators.get(0)
					: decorators.isEmpty() ? null : new CompositeTaskDecorator(decorators);
			AsyncConfigurer configurer = this.asyncConfigurers.getIfUnique();
			AsyncUncaughtExceptionHandler handler = (configurer != null) ? configurer.getAsyncUncaughtExceptionHandler()
					: null;
			settings = new AsyncSettings(decorator, (handler != null) ? handler : new SimpleAsyncUncaughtExceptionHandler());
			this.async = settings;
		}
		return settings;
	}

	private static void proceed(MethodInvocation invocation, CompletableFuture<Object> result,
			AsyncUncaughtExceptionHandler exceptionHandler) {
		Object value;
		try {
			value = invocation.proceed();
		}
		catch (Throwable ex) {
			if (result != null) {
				result.completeExceptionally(ex);
				return;
			}
			// As Spring's @Async interceptor does with a void method's failure.
			exceptionHandler.handleUncaughtException(ex, invocation.getMethod(), invocation.getArguments());
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

	/** How the application configured {@code @Async}: what the queue applies to module listeners in its place. */
	private record AsyncSettings(@Nullable TaskDecorator decorator, AsyncUncaughtExceptionHandler exceptionHandler) {
	}

	/** Used by the router only for events, which this dispatcher never multicasts. */
	@SuppressWarnings("unchecked")
	private static void invoke(ApplicationListener<?> listener, ApplicationEvent event) {
		((ApplicationListener<ApplicationEvent>) listener).onApplicationEvent(event);
	}

}
