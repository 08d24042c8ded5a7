package io.github.selectorwakequeue.logback;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.status.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A private {@link LoggerContext} whose logger {@code test} (level TRACE, not additive) goes to a started
 * {@link SelectorWakeQueueAppender} named after the test, with a {@link RecordingAppender} attached.
 */
final class AppenderFixture implements AutoCloseable {

	static final String SUMMARY_MARKER = "events dropped (";

	final LoggerContext context = new LoggerContext();

	final RecordingAppender recorder = new RecordingAppender();

	final SelectorWakeQueueAppender appender = new SelectorWakeQueueAppender();

	final Logger logger;

	private AppenderFixture(String name, Consumer<SelectorWakeQueueAppender> configure) {
		this.context.setName(name);
		this.context.setMDCAdapter(new LogbackMDCAdapter()); // what SLF4J's provider does for the default context
		this.recorder.setContext(this.context);
		this.recorder.start();
		this.appender.setContext(this.context);
		this.appender.setName(name);
		this.appender.addAppender(this.recorder);
		configure.accept(this.appender);
		this.appender.start();
		assertThat(this.appender.isStarted()).as("appender started; status: %s", statuses()).isTrue();
		this.logger = this.context.getLogger("test");
		this.logger.setLevel(Level.TRACE);
		this.logger.setAdditive(false);
		this.logger.addAppender(this.appender);
	}

	static AppenderFixture start(String name, Consumer<SelectorWakeQueueAppender> configure) {
		return new AppenderFixture(name, configure);
	}

	static AppenderFixture start(String name) {
		return start(name, (appender) -> {
		});
	}

	/** Whether the thread is one of our reactor threads. */
	static boolean isReactor(Thread thread) {
		return thread.getName().startsWith("SelectorWakeQueueAppender-");
	}

	/**
	 * Makes the next appended event whose message is {@code marker} hold the reactor until the returned gate
	 * opens; logs it (at ERROR, so it is never dropped) and waits until the reactor holds it.
	 */
	CountDownLatch holdReactor(String marker) {
		CountDownLatch gate = new CountDownLatch(1);
		CountDownLatch held = new CountDownLatch(1);
		this.recorder.onAppend((event) -> {
			if (marker.equals(event.getFormattedMessage())) {
				held.countDown();
				awaitQuietly(gate);
			}
		});
		this.logger.error(marker);
		awaitQuietly(held);
		return gate;
	}

	/** Waits until the recorder holds {@code count} events. */
	void awaitAppended(int count, Duration timeout) {
		await().atMost(timeout).pollInterval(Duration.ofMillis(5)).until(() -> this.recorder.count() >= count);
	}

	List<String> summaryLines() {
		return this.recorder.messages().stream().filter((m) -> m.contains(SUMMARY_MARKER)).toList();
	}

	List<Status> statuses() {
		return this.context.getStatusManager().getCopyOfStatusList();
	}

	List<String> statusMessages(int level) {
		return statuses().stream().filter((s) -> s.getLevel() == level).map(Status::getMessage).toList();
	}

	static void awaitQuietly(CountDownLatch latch) {
		try {
			if (!latch.await(60, TimeUnit.SECONDS)) {
				throw new AssertionError("latch not released within 60 s");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("interrupted", ex);
		}
	}

	/**
	 * Stops the appender while the reactor is held by {@code gate}: calls {@code stop()} on another thread (with its
	 * interrupt flag set if asked), waits until that thread waits for the flush (or has already returned), runs
	 * {@code whileStopping} on this thread, opens the gate and waits for {@code stop()} to return.
	 * @return whether the stopping thread's interrupt flag was set when {@code stop()} returned
	 */
	boolean stopWhileHeld(CountDownLatch gate, boolean interrupted, Runnable whileStopping) {
		AtomicBoolean flagAfterStop = new AtomicBoolean();
		Thread stopper = startDaemon("stopper-" + this.appender.getName(), () -> {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
			this.appender.stop();
			flagAfterStop.set(Thread.currentThread().isInterrupted());
		});
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1)).until(() -> switch (stopper.getState()) {
			case WAITING, TIMED_WAITING, TERMINATED -> true;
			default -> false;
		});
		whileStopping.run();
		gate.countDown();
		join(stopper);
		return flagAfterStop.get();
	}

	/** The drop summary lines appended so far, as events. */
	List<ILoggingEvent> summaryEvents() {
		return this.recorder.appended().stream().map(RecordingAppender.Appended::event).filter(AppenderFixture::isSummary).toList();
	}

	static Thread startDaemon(String name, Runnable body) {
		Thread thread = new Thread(body, name);
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	static void join(Thread thread) {
		try {
			thread.join();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("interrupted while joining " + thread.getName(), ex);
		}
	}

	static boolean isSummary(ILoggingEvent event) {
		return event.getFormattedMessage().contains(SUMMARY_MARKER);
	}

	@Override
	public void close() {
		this.appender.stop();
		this.context.stop();
	}

}
