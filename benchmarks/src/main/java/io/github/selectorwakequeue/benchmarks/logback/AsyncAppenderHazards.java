package io.github.selectorwakequeue.benchmarks.logback;

import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import io.github.selectorwakequeue.logback.SelectorWakeQueueAppender;

/**
 * The hazards of the issue, run against Logback's {@code AsyncAppender} ({@code neverBlock} false and true) and
 * our {@code SelectorWakeQueueAppender}, each in a fresh context with the same queue size, bounded in time: a case
 * whose callers are still blocked after {@value #BOUND_SECONDS} s is reported as a deadlock (its threads are
 * daemons and are left behind). Events are logged at WARN, which neither appender discards before its queue is
 * full (both drop INFO and below when it is 80 % full). Prints a Markdown table: what users gain, as observed, not
 * asserted.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.github.selectorwakequeue.benchmarks.logback.AsyncAppenderHazards</pre>
 */
public final class AsyncAppenderHazards {

	static final int BOUND_SECONDS = 5;

	private static final String[] IMPLS = { "async", "async-neverblock", "swq" };

	private AsyncAppenderHazards() {
	}

	public static void main(String[] args) {
		List<Hazard> hazards = List.of(
				new Hazard("the consumer logs into its own full queue (logback#788)", 16, AsyncAppenderHazards::consumerLogs),
				new Hazard("callers hold a lock the attached appender needs", 16, AsyncAppenderHazards::callersHoldLock),
				new Hazard("an argument's toString() needs the caller's lock (jetty#848)", 16, AsyncAppenderHazards::toStringLock),
				new Hazard("Cleaner (GC) actions log while holding the appender's lock", 16, AsyncAppenderHazards::cleaner),
				new Hazard("16 interrupted callers, 1000 events each (LOGBACK-1247, LOGBACK-910)", 32_768, AsyncAppenderHazards::interrupted),
				new Hazard("the attached appender throws an Error once (LOGBACK-1354)", 4_096, AsyncAppenderHazards::appenderError));
		System.out.println("| hazard | impl | callers | events logged | appended | drops counted by the appender | note |");
		System.out.println("|---|---|---|---:|---:|---:|---|");
		for (Hazard hazard : hazards) {
			for (String impl : IMPLS) {
				System.out.println(hazard.run(impl));
			}
		}
		System.exit(0); // deadlocked daemon threads are left behind on purpose
	}

	// ---- the cases: each logs through `stack`, returns the number of events logged, may add a note ----------

	private static long consumerLogs(Run run) {
		Logger nested = run.stack.context.getLogger("bench.nested"); // additive: back into the appender under test
		run.hook((event) -> {
			if (event.getFormattedMessage().startsWith("event")) {
				run.extraLogged.incrementAndGet(); // counted when the case settles
				nested.warn("nested of {}", event.getFormattedMessage());
			}
		});
		run.note("the sink logs one nested event per event it gets");
		return run.callers(1, (caller) -> {
			for (int i = 0; i < 2_000; i++) {
				run.stack.logger.warn("event {}", i);
			}
		}, 2_000);
	}

	private static long callersHoldLock(Run run) {
		Object lock = new Object();
		run.hook((event) -> {
			synchronized (lock) {
				event.getFormattedMessage();
			}
		});
		return run.callers(4, (caller) -> {
			synchronized (lock) {
				for (int i = 0; i < 1_000; i++) {
					run.stack.logger.warn("caller {} event {}", caller, i);
				}
			}
		}, 1_000);
	}

	private static long toStringLock(Run run) {
		Object lock = new Object();
		Object argument = new Object() {
			@Override
			public String toString() {
				synchronized (lock) {
					return "state";
				}
			}
		};
		run.hook((event) -> String.valueOf(event.getArgumentArray()[0])); // as a structured (JSON) encoder does
		return run.callers(1, (caller) -> {
			synchronized (lock) {
				for (int i = 0; i < 1_000; i++) {
					run.stack.logger.warn("event {}", argument);
				}
			}
		}, 1_000);
	}

	private static long cleaner(Run run) {
		Object lock = new Object();
		run.hook((event) -> {
			synchronized (lock) {
				event.getFormattedMessage();
			}
		});
		int objects = 50;
		int perAction = 20;
		AtomicInteger done = new AtomicInteger();
		Cleaner cleaner = Cleaner.create();
		for (int i = 0; i < objects; i++) {
			cleaner.register(new Object(), () -> {
				synchronized (lock) {
					for (int k = 0; k < perAction; k++) {
						run.stack.logger.warn("cleaned event {}", k);
					}
				}
				done.incrementAndGet();
			});
		}
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
		while (done.get() < objects && System.nanoTime() < deadline) {
			System.gc();
			pause(20);
		}
		if (done.get() < objects) {
			run.blocked("the Cleaner thread is stuck in a log call after " + done.get() + " of " + objects
					+ " actions: GC clean-up stalls");
		}
		return (long) objects * perAction;
	}

	private static long interrupted(Run run) {
		AtomicInteger flagsKept = new AtomicInteger();
		long logged = run.callers(16, (caller) -> {
			Thread.currentThread().interrupt();
			for (int i = 0; i < 1_000; i++) {
				run.stack.logger.warn("caller {} event {}", caller, i);
			}
			if (Thread.currentThread().isInterrupted()) {
				flagsKept.incrementAndGet();
			}
		}, 1_000);
		run.note("interrupt flag kept by " + flagsKept.get() + " of 16 callers");
		return logged;
	}

	private static long appenderError(Run run) {
		AtomicInteger thrown = new AtomicInteger();
		run.hook((event) -> {
			if (thrown.getAndIncrement() == 0) {
				throw new Error("thrown by the attached appender, once");
			}
		});
		return run.callers(1, (caller) -> {
			for (int i = 0; i < 2_000; i++) {
				run.stack.logger.warn("event {}", i);
			}
		}, 2_000);
	}

	// ---- machinery ------------------------------------------------------------------------------------------

	private static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** A case: a name, the queue size, and the body. */
	private record Hazard(String name, int queueSize, java.util.function.ToLongFunction<Run> body) {

		String run(String impl) {
			Run run = new Run(impl, this.queueSize);
			long logged;
			try {
				logged = this.body.applyAsLong(run);
			}
			catch (RuntimeException ex) {
				return "| " + this.name + " | " + impl + " | failed: " + ex + " | | | | |";
			}
			return run.row(this.name, logged);
		}

	}

	/** One case against one impl: its stack, a sink with a hook, the outcome. */
	private static final class Run {

		private static final AtomicInteger RUNS = new AtomicInteger();

		final LogbackStack stack;

		private final AtomicLong appended = new AtomicLong();

		/** Drop-summary lines our appender appended (not counted in {@link #appended}). */
		private final AtomicLong summaries = new AtomicLong();

		/** Events logged by the sink itself. */
		final AtomicLong extraLogged = new AtomicLong();

		private volatile Consumer<ILoggingEvent> hook = (event) -> {
		};

		private String outcome = "returned";

		private final List<String> notes = new ArrayList<>();

		private long millis;

		Run(String impl, int queueSize) {
			this.stack = LogbackStack.build(impl, (context) -> new HookedSink(this), queueSize,
					impl + "-" + RUNS.incrementAndGet());
		}

		void hook(Consumer<ILoggingEvent> hook) {
			this.hook = hook;
		}

		void note(String note) {
			this.notes.add(note);
		}

		void blocked(String why) {
			this.outcome = "**blocked (deadlock)**";
			this.notes.add(why);
		}

		/** Runs {@code count} daemon callers; returns events logged (if all return), notes a deadlock otherwise. */
		long callers(int count, java.util.function.IntConsumer body, int eventsEach) {
			CountDownLatch done = new CountDownLatch(count);
			long start = System.nanoTime();
			for (int c = 0; c < count; c++) {
				int caller = c;
				Thread thread = new Thread(() -> {
					body.accept(caller);
					done.countDown();
				}, "caller-" + c);
				thread.setDaemon(true);
				thread.start();
			}
			boolean returned;
			try {
				returned = done.await(BOUND_SECONDS, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				returned = false;
			}
			this.millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			if (!returned) {
				blocked(done.getCount() + " of " + count + " callers still inside a log call after " + BOUND_SECONDS + " s");
			}
			return (long) count * eventsEach;
		}

		String row(String name, long callersLogged) {
			long logged = callersLogged;
			boolean blocked = !this.outcome.startsWith("returned");
			workerDied();
			if (!blocked) {
				settle();
				this.outcome = "returned in " + this.millis + " ms";
			}
			logged += this.extraLogged.get();
			long counted = this.stack.droppedCounted();
			long got = this.appended.get();
			String drops;
			if (counted >= 0) {
				drops = String.valueOf(counted);
			}
			else if (blocked) {
				drops = "none (the rest wait in the queue or in blocked callers)";
			}
			else {
				drops = (got < logged) ? "none (" + (logged - got) + " lost silently)" : "none";
			}
			if (this.summaries.get() > 0) {
				note("plus " + this.summaries.get() + " drop-summary line(s)");
			}
			return "| " + name + " | " + this.stack.impl + " | " + this.outcome + " | " + logged + " | " + got + " | "
					+ drops + " | " + String.join("; ", this.notes) + " |";
		}

		/** Notes a dead AsyncAppender worker: nothing will ever append what it had taken or what is queued. */
		private void workerDied() {
			if (!this.stack.impl.startsWith("async")) {
				return;
			}
			String worker = "AsyncAppender-Worker-" + this.stack.name;
			boolean alive = true;
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1); // a dying thread takes a moment
			while (alive && System.nanoTime() < deadline) {
				alive = Thread.getAllStackTraces().keySet().stream().anyMatch((t) -> t.getName().equals(worker));
				pause(50);
			}
			if (!alive) {
				note("its worker thread died; " + this.stack.queued() + " events are still queued, never to be appended");
			}
		}

		/** Waits (bounded) until the queue is empty and the sink has stopped moving, then stops the context. */
		private void settle() {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
			long last = -1;
			while (System.nanoTime() < deadline) {
				long now = this.appended.get();
				if (this.stack.queued() == 0 && now == last) {
					break;
				}
				last = now;
				pause(50);
			}
			this.stack.close();
		}

	}

	/** The attached appender of the cases: runs the case's hook, then counts. */
	private static final class HookedSink extends UnsynchronizedAppenderBase<ILoggingEvent> {

		private final Run run;

		HookedSink(Run run) {
			this.run = run;
			setName("sink");
		}

		@Override
		protected void append(ILoggingEvent event) {
			if (event.getLoggerName().equals(SelectorWakeQueueAppender.class.getName())) {
				this.run.summaries.incrementAndGet();
				return;
			}
			this.run.hook.accept(event);
			this.run.appended.incrementAndGet();
		}

	}

}
