package io.github.selectorwakequeue.benchmarks.logback;

import java.util.Objects;
import java.util.function.Function;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.Context;
import io.github.selectorwakequeue.logback.SelectorWakeQueueAppender;

/**
 * One of the compared ways of logging, in a private {@link LoggerContext}: logger {@code bench} (INFO, not
 * additive) → the appender under test → {@code sink}. {@code impl}:
 * <ul>
 * <li>{@code swq}: ours, {@link SelectorWakeQueueAppender} (discarding threshold {@code queueSize / 5}, as
 * Logback's default);</li>
 * <li>{@code async}: Logback's {@link AsyncAppender}, defaults except the queue size ({@code neverBlock=false}: a
 * caller waits for space);</li>
 * <li>{@code async-neverblock}: the same with {@code neverBlock=true} (a caller drops the event when full);</li>
 * <li>{@code sync}: the sink attached directly to the logger, run on the caller.</li>
 * </ul>
 */
final class LogbackStack implements AutoCloseable {

	static final String[] IMPLS = { "swq", "async", "async-neverblock", "sync" };

	final String impl;

	final LoggerContext context = new LoggerContext();

	final Logger logger;

	private final Appender<ILoggingEvent> front;

	/** The appender's name: its worker or reactor thread is named after it. */
	final String name;

	private LogbackStack(String impl, Function<Context, Appender<ILoggingEvent>> sinkFactory, int queueSize,
			String name) {
		this.impl = Objects.requireNonNull(impl, "impl");
		this.name = Objects.requireNonNull(name, "name");
		this.context.setName(name);
		this.context.setMDCAdapter(new LogbackMDCAdapter());
		Appender<ILoggingEvent> sink = sinkFactory.apply(this.context);
		sink.setContext(this.context);
		sink.start();
		this.front = switch (impl) {
			case "swq" -> {
				SelectorWakeQueueAppender ours = new SelectorWakeQueueAppender();
				ours.setContext(this.context);
				ours.setName(name);
				ours.setQueueSize(queueSize);
				ours.addAppender(sink);
				yield ours;
			}
			case "async", "async-neverblock" -> {
				AsyncAppender async = new AsyncAppender();
				async.setContext(this.context);
				async.setName(name);
				async.setQueueSize(queueSize);
				async.setNeverBlock(impl.equals("async-neverblock"));
				async.addAppender(sink);
				yield async;
			}
			case "sync" -> sink;
			default -> throw new IllegalArgumentException(
					"impl must be swq, async, async-neverblock or sync, was " + impl);
		};
		if (this.front != sink) {
			this.front.start();
		}
		if (!this.front.isStarted()) {
			throw new IllegalStateException(impl + " did not start: " + this.context.getStatusManager().getCopyOfStatusList());
		}
		this.logger = this.context.getLogger("bench");
		this.logger.setLevel(Level.INFO);
		this.logger.setAdditive(false);
		this.logger.addAppender(this.front);
	}

	static LogbackStack build(String impl, Function<Context, Appender<ILoggingEvent>> sink, int queueSize) {
		return new LogbackStack(impl, sink, queueSize, impl);
	}

	static LogbackStack build(String impl, Function<Context, Appender<ILoggingEvent>> sink, int queueSize, String name) {
		return new LogbackStack(impl, sink, queueSize, name);
	}

	/** Events waiting in the appender's queue now (0 for {@code sync}). */
	int queued() {
		if (this.front instanceof SelectorWakeQueueAppender ours) {
			return ours.queueStats().map((stats) -> stats.size()).orElse(0);
		}
		if (this.front instanceof AsyncAppender async) {
			return async.getNumberOfElementsInQueue();
		}
		return 0;
	}

	/** Drops the appender itself counted, or -1 if it keeps no count (Logback's appenders). */
	long droppedCounted() {
		return (this.front instanceof SelectorWakeQueueAppender ours) ? ours.droppedEvents().total() : -1;
	}

	@Override
	public void close() {
		this.context.stop();
	}

}
