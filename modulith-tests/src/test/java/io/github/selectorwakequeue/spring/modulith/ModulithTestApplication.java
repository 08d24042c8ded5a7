package io.github.selectorwakequeue.spring.modulith;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.selectorwakequeue.SelectorWakeQueue;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.core.task.TaskDecorator;
import org.springframework.aop.interceptor.AsyncUncaughtExceptionHandler;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.AsyncConfigurer;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalApplicationListener;
import org.springframework.transaction.event.TransactionalApplicationListenerAdapter;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The application the Modulith tests start: listeners of each kind that record what they received and on which
 * thread. Events are records in this package (an auto-configuration package, so {@code @Externalized} ones are
 * externalized).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class ModulithTestApplication {

	@Bean
	Recorder recorder(SelectorWakeQueue queue) {
		return new Recorder(queue);
	}

	@Bean
	Listeners listeners(Recorder recorder, @Value("${test.flaky.failures:1}") int flakyFailures,
			org.springframework.context.ApplicationEventPublisher publisher) {
		return new Listeners(recorder, flakyFailures, publisher);
	}

	/**
	 * A transactional listener bean declared as a plain {@code ApplicationListener} of one payload type, as
	 * {@link TransactionalApplicationListener#forPayload} makes it.
	 */
	@Bean
	ApplicationListener<PayloadApplicationEvent<Settled>> settledListener(Recorder recorder) {
		TransactionalApplicationListener<PayloadApplicationEvent<Settled>> listener = TransactionalApplicationListener
			.forPayload(TransactionPhase.AFTER_COMMIT, (Settled settled) -> recorder.settled.add(settled.id()));
		// Modulith records a publication by listener id, which forPayload leaves empty.
		((TransactionalApplicationListenerAdapter<?>) listener).setListenerId("settledListener");
		return listener;
	}

	/** Carries {@link #CARRIED} from the thread that hands a task to an executor to the thread that runs it. */
	@Bean
	TaskDecorator carryingTaskDecorator() {
		return (task) -> {
			String value = CARRIED.get();
			return () -> {
				CARRIED.set(value);
				try {
					task.run();
				}
				finally {
					CARRIED.remove();
				}
			};
		};
	}

	/** The application's handler of failing {@code @Async} methods. */
	@Bean
	AsyncConfigurer recordingAsyncConfigurer(Recorder recorder) {
		return new AsyncConfigurer() {

			@Override
			public AsyncUncaughtExceptionHandler getAsyncUncaughtExceptionHandler() {
				return (failure, method, parameters) -> recorder.asyncFailures
					.add(method.getName() + ": " + failure.getMessage());
			}

		};
	}

	/** A thread-local the {@link #carryingTaskDecorator() task decorator} carries. */
	static final ThreadLocal<String> CARRIED = new ThreadLocal<>();

	@Bean
	Commits commits(TransactionTemplate transactions, JdbcTemplate jdbc,
			org.springframework.context.ApplicationEventPublisher publisher) {
		return new Commits(transactions, jdbc, publisher);
	}

	/** Published in a transaction; {@code sequence} is the transaction's commit order. */
	record Committed(long sequence) {
	}

	/** Published without a transaction by several threads. */
	record Plain(int publisher, int number) {
	}

	/** Its module listener fails the first {@code test.flaky.failures} times per id. */
	record Flaky(String id) {
	}

	/** Heard by a plain after-commit {@code @TransactionalEventListener} (no {@code @Async}). */
	record Audited(String id) {
	}

	/** Its module listener publishes {@link Relayed}. */
	record Relay(String id) {
	}

	/** Published by a module listener, on the queue. */
	record Relayed(String id) {
	}

	/** Its plain listener publishes {@link Echoed}. */
	record Echo(String id) {
	}

	/** Published by a plain listener, on the queue. */
	record Echoed(String id) {
	}

	/** Heard by the {@code forPayload} transactional listener bean. */
	record Settled(String id) {
	}

	/** Its module listener records the value of {@link #CARRIED} it runs with. */
	record Decorated(String id) {
	}

	/** Its module listener fails. */
	record Broken(String id) {
	}

	/** Runs transactions that take their commit order from the counter row and publish it. */
	static final class Commits {

		private final TransactionTemplate transactions;

		private final JdbcTemplate jdbc;

		private final org.springframework.context.ApplicationEventPublisher publisher;

		Commits(TransactionTemplate transactions, JdbcTemplate jdbc,
				org.springframework.context.ApplicationEventPublisher publisher) {
			this.transactions = transactions;
			this.jdbc = jdbc;
			this.publisher = publisher;
		}

		/**
		 * One transaction: takes the next commit number (the row lock holds later transactions until this one
		 * commits), then publishes what {@code event} makes of it.
		 * @return the commit number
		 */
		long commit(java.util.function.LongFunction<Object> event) {
			Long sequence = this.transactions.execute((status) -> {
				this.jdbc.update("UPDATE commit_counter SET next_value = next_value + 1 WHERE id = 1");
				long value = this.jdbc.queryForObject("SELECT next_value FROM commit_counter WHERE id = 1", Long.class);
				this.publisher.publishEvent(event.apply(value));
				return value;
			});
			return sequence;
		}

	}

	/** What the listeners received and where; read by the tests (the listeners' bean is a proxy). */
	static final class Recorder {

		final SelectorWakeQueue queue;

		volatile Thread refreshedOn;

		final List<Long> committed = new CopyOnWriteArrayList<>();

		final AtomicInteger committedOffReactor = new AtomicInteger();

		final List<String> committedThreads = new CopyOnWriteArrayList<>();

		/**
		 * Whether this thread is one of the queue's: its reactor, or a thread of a listener's lane (a worker, or a
		 * reactor thread that was handed off), which carry the queue's name.
		 */
		boolean onQueueThread() {
			return this.queue.isReactorThread() || Thread.currentThread().getName().startsWith(this.queue.name());
		}

		final int[] nextPlain = new int[8];

		final AtomicInteger plainOutOfOrder = new AtomicInteger();

		final AtomicInteger plainOffReactor = new AtomicInteger();

		final AtomicInteger plainDelivered = new AtomicInteger();

		final Map<String, AtomicInteger> flakyAttempts = new ConcurrentHashMap<>();

		final List<String> flakyDone = new CopyOnWriteArrayList<>();

		final List<String> audited = new CopyOnWriteArrayList<>();

		volatile Thread auditedOn;

		volatile Thread backgroundOn;

		final List<String> settled = new CopyOnWriteArrayList<>();

		final List<String> carried = new CopyOnWriteArrayList<>();

		final List<String> asyncFailures = new CopyOnWriteArrayList<>();

		Recorder(SelectorWakeQueue queue) {
			this.queue = queue;
		}

	}

	/** Listeners of each kind; proxied (transactions, {@code @Async}, Modulith's completion registration). */
	static class Listeners {

		private final Recorder recorder;

		private final int flakyFailures;

		private final org.springframework.context.ApplicationEventPublisher publisher;

		Listeners(Recorder recorder, int flakyFailures, org.springframework.context.ApplicationEventPublisher publisher) {
			this.recorder = recorder;
			this.flakyFailures = flakyFailures;
			this.publisher = publisher;
		}

		@ApplicationModuleListener
		public void onRelay(Relay relay) {
			this.publisher.publishEvent(new Relayed(relay.id()));
		}

		@EventListener
		public void onEcho(Echo echo) {
			this.publisher.publishEvent(new Echoed(echo.id()));
		}

		@ApplicationModuleListener
		public void onDecorated(Decorated decorated) {
			this.recorder.carried.add(decorated.id() + "=" + CARRIED.get());
		}

		@ApplicationModuleListener
		public void onBroken(Broken broken) {
			throw new IllegalStateException("broken " + broken.id());
		}

		@EventListener
		public void onRefreshed(ContextRefreshedEvent event) {
			this.recorder.refreshedOn = Thread.currentThread();
		}

		@ApplicationModuleListener
		public void onCommitted(Committed event) {
			if (!this.recorder.onQueueThread()) {
				this.recorder.committedOffReactor.incrementAndGet();
				this.recorder.committedThreads.add(Thread.currentThread().getName());
			}
			this.recorder.committed.add(event.sequence());
		}

		@EventListener
		public void onPlain(Plain event) {
			if (!this.recorder.queue.isReactorThread()) {
				this.recorder.plainOffReactor.incrementAndGet();
			}
			// Written by one thread at a time when ordered (the reactor); a race here shows as out of order.
			if (this.recorder.nextPlain[event.publisher()] != event.number()) {
				this.recorder.plainOutOfOrder.incrementAndGet();
			}
			this.recorder.nextPlain[event.publisher()] = event.number() + 1;
			this.recorder.plainDelivered.incrementAndGet();
		}

		@ApplicationModuleListener
		public void onFlaky(Flaky event) {
			int attempt = this.recorder.flakyAttempts.computeIfAbsent(event.id(), (id) -> new AtomicInteger())
				.incrementAndGet();
			if (attempt <= this.flakyFailures) {
				throw new IllegalStateException("failure on purpose, attempt " + attempt + " of " + event.id());
			}
			this.recorder.flakyDone.add(event.id() + "@" + (this.recorder.queue.isReactorThread() ? "reactor" : "other"));
		}

		@TransactionalEventListener
		public void onAudited(Audited event) {
			this.recorder.auditedOn = Thread.currentThread();
			this.recorder.audited.add(event.id());
		}

		/** An ordinary {@code @Async} method on a bean with module listeners: it keeps Spring's executor. */
		@Async
		public void background(CountDownLatch done) {
			this.recorder.backgroundOn = Thread.currentThread();
			done.countDown();
		}

	}

}
