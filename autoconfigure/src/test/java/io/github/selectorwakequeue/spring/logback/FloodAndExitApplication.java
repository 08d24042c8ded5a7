package io.github.selectorwakequeue.spring.logback;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import io.github.selectorwakequeue.logback.SelectorWakeQueueAppender;
import org.slf4j.LoggerFactory;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Configuration;

/**
 * The child JVM of {@link SpringBootFloodAndExitTests}: a Spring Boot application configured by the
 * {@code logback-spring.xml} the test writes (root: {@link Tap}, then the appender under test, {@code ASYNC}, with
 * {@link Recorder} and {@link Chatty} attached). Eight threads flood the small queue; once two drop summary lines
 * are out, the main thread calls {@code System.exit(0)} while they go on logging. A shutdown hook of its own logs
 * until Boot's logging shutdown has stopped Logback, then stops the eight threads and writes what it counted to
 * {@code args[0]}.
 */
public final class FloodAndExitApplication {

	static final int LOGGING_THREADS = 8;

	private FloodAndExitApplication() {
	}

	public static void main(String[] args) throws Exception {
		Path results = Path.of(args[0]);
		new SpringApplicationBuilder(Empty.class).web(WebApplicationType.NONE)
			.run("--logging.config=file:" + args[1], "--spring.main.banner-mode=off");
		LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
		Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
		SelectorWakeQueueAppender async = (SelectorWakeQueueAppender) root.getAppender("ASYNC");
		Tap tap = (Tap) root.getAppender("TAP");
		Recorder recorder = (Recorder) async.getAppender("RECORDER");
		Chatty.parent = async;
		CountDownLatch logbackStopped = new CountDownLatch(1);
		context.addListener(new StopListener(logbackStopped));

		List<Thread> floods = new ArrayList<>();
		for (int t = 0; t < LOGGING_THREADS; t++) {
			org.slf4j.Logger logger = LoggerFactory.getLogger("flood." + t);
			Thread thread = new Thread(() -> {
				long i = 0;
				while (!Flags.stopFlooding) {
					logger.info("event {}", i++);
				}
			}, "flood-" + t);
			thread.setDaemon(true);
			floods.add(thread);
		}
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			org.slf4j.Logger logger = LoggerFactory.getLogger("hook");
			long logged = 0;
			try {
				while (!logbackStopped.await(0, TimeUnit.MILLISECONDS)) { // racing Boot's logging shutdown
					logger.warn("from the shutdown hook {}", logged++);
				}
				Flags.stopFlooding = true;
				for (Thread thread : floods) {
					thread.join(10_000);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			write(results, tap, recorder, async, logged);
		}, "user-shutdown-hook"));
		floods.forEach(Thread::start);

		if (!recorder.secondSummary.await(20, TimeUnit.SECONDS)) {
			System.err.println("no second drop summary within 20 s");
			System.exit(2);
		}
		Flags.exiting = true;
		System.exit(0);
	}

	private static void write(Path results, Tap tap, Recorder recorder, SelectorWakeQueueAppender async, long hookLogged) {
		Properties properties = new Properties();
		properties.setProperty("reached", String.valueOf(tap.reached.sum()));
		properties.setProperty("reachedFromHook", String.valueOf(tap.fromHook.sum()));
		properties.setProperty("reachedDuringExit", String.valueOf(tap.duringExit.sum()));
		properties.setProperty("appended", String.valueOf(recorder.appended.sum()));
		properties.setProperty("appendedWhileStopping", String.valueOf(recorder.chattyWhileStopping.sum()));
		properties.setProperty("dropped", String.valueOf(async.droppedEvents().total()));
		properties.setProperty("summaryTimestamps",
				recorder.summaryTimestamps.stream().map(String::valueOf).collect(Collectors.joining(",")));
		properties.setProperty("hookLogged", String.valueOf(hookLogged));
		try (OutputStream out = Files.newOutputStream(results)) {
			properties.store(out, null);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Set by the main thread and the shutdown hook; read by the logging threads. */
	static final class Flags {

		static volatile boolean stopFlooding;

		static volatile boolean exiting;

		private Flags() {
		}

	}

	/** An application with nothing in it: only Boot's logging is under test. */
	@Configuration(proxyBeanMethods = false)
	static class Empty {

	}

	/**
	 * On the root logger before {@code ASYNC}: counts every event that reaches the root's appenders, so every event
	 * that reaches {@code ASYNC}, even once stopped (Logback's reset stops it first).
	 */
	public static final class Tap extends UnsynchronizedAppenderBase<ILoggingEvent> {

		final LongAdder reached = new LongAdder();

		final LongAdder fromHook = new LongAdder();

		final LongAdder duringExit = new LongAdder();

		@Override
		public void doAppend(ILoggingEvent event) {
			this.reached.increment();
			if ("user-shutdown-hook".equals(Thread.currentThread().getName())) {
				this.fromHook.increment();
			}
			if (Flags.exiting) {
				this.duringExit.increment();
			}
		}

		@Override
		protected void append(ILoggingEvent event) {
		}

	}

	/**
	 * Attached to {@code ASYNC}: counts what it appends, and when each drop summary line was stamped. From
	 * {@code System.exit} until the appender begins to stop, it holds the reactor (as a stalled disk would), so that
	 * the stop finds the queue full.
	 */
	public static final class Recorder extends UnsynchronizedAppenderBase<ILoggingEvent> {

		final LongAdder appended = new LongAdder();

		final LongAdder chattyWhileStopping = new LongAdder();

		final ConcurrentLinkedQueue<Long> summaryTimestamps = new ConcurrentLinkedQueue<>();

		final CountDownLatch secondSummary = new CountDownLatch(2);

		private boolean heldAtExit;

		@Override
		protected void append(ILoggingEvent event) {
			if (Flags.exiting && !this.heldAtExit) {
				this.heldAtExit = true;
				holdUntilStopping();
			}
			if (event.getLoggerName().equals(SelectorWakeQueueAppender.class.getName())) {
				this.summaryTimestamps.add(event.getTimeStamp());
				this.secondSummary.countDown();
				return;
			}
			this.appended.increment();
			if (event.getFormattedMessage().startsWith("while stopping")) {
				this.chattyWhileStopping.increment();
			}
		}

		private static void holdUntilStopping() {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
			while (Chatty.parent.isStarted() && System.nanoTime() - deadline < 0) {
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
			}
		}

	}

	/** Attached to {@code ASYNC} after {@link Recorder}: logs about one event in 64, and about every one while it stops. */
	public static final class Chatty extends UnsynchronizedAppenderBase<ILoggingEvent> {

		static volatile SelectorWakeQueueAppender parent;

		private final org.slf4j.Logger logger = LoggerFactory.getLogger("chatty");

		private long seen;

		@Override
		protected void append(ILoggingEvent event) {
			SelectorWakeQueueAppender async = parent;
			if (async != null && !async.isStarted()) {
				this.logger.info("while stopping, about {}", event.getFormattedMessage());
			}
			else if (++this.seen % 64 == 0) {
				this.logger.info("about {}", event.getFormattedMessage());
			}
		}

	}

	/** Opens the latch when Logback's context has stopped (after its reset has stopped every appender). */
	private static final class StopListener implements LoggerContextListener {

		private final CountDownLatch stopped;

		StopListener(CountDownLatch stopped) {
			this.stopped = stopped;
		}

		@Override
		public boolean isResetResistant() {
			return true;
		}

		@Override
		public void onStart(LoggerContext context) {
		}

		@Override
		public void onReset(LoggerContext context) {
		}

		@Override
		public void onStop(LoggerContext context) {
			this.stopped.countDown();
		}

		@Override
		public void onLevelChange(Logger logger, ch.qos.logback.classic.Level level) {
		}

	}

}
