package io.github.selectorwakequeue.benchmarks.logback;

import java.nio.file.Path;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.Context;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;

/** The attached appenders of the benchmark: a fast in-memory one and a slow file one. */
final class Sinks {

	static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n";

	private Sinks() {
	}

	/**
	 * Encodes each event with {@link #PATTERN} into bytes and keeps only their count: the cost of a fast
	 * appender without I/O. Counts per calling thread what reaches it (see {@link Tally}).
	 */
	static Appender<ILoggingEvent> memory() {
		return new CountingSink(null);
	}

	/**
	 * Logback's {@link RollingFileAppender} with {@link #PATTERN}, {@code immediateFlush} (one {@code write} per
	 * event), rolled at 64 MB with one old file kept so the disk use stays bounded; counts like {@link #memory()}.
	 */
	static Appender<ILoggingEvent> file(Path dir, Context context) {
		RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>();
		file.setContext(context);
		file.setName("file");
		file.setFile(dir.resolve("bench.log").toString());
		file.setImmediateFlush(true);
		FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
		rolling.setContext(context);
		rolling.setParent(file);
		rolling.setFileNamePattern(dir.resolve("bench.%i.log").toString());
		rolling.setMinIndex(1);
		rolling.setMaxIndex(1);
		rolling.start();
		SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
		trigger.setContext(context);
		trigger.setMaxFileSize(FileSize.valueOf("64MB"));
		trigger.start();
		file.setRollingPolicy(rolling);
		file.setTriggeringPolicy(trigger);
		file.setEncoder(encoder(context));
		file.start();
		return new CountingSink(file);
	}

	static PatternLayoutEncoder encoder(Context context) {
		PatternLayoutEncoder encoder = new PatternLayoutEncoder();
		encoder.setContext(context);
		encoder.setPattern(PATTERN);
		encoder.start();
		return encoder;
	}

	/**
	 * An event argument that counts how many of its thread's events reached the sink. Written by the appending
	 * thread only (the sink is called by one thread at a time); {@code toString} is the caller's name.
	 */
	static final class Tally {

		private final String name;

		private volatile long count;

		Tally(String name) {
			this.name = name;
		}

		@SuppressWarnings("NonAtomicOperationOnVolatileField") // one writer at a time
		void increment() {
			this.count++;
		}

		long count() {
			return this.count;
		}

		void reset() {
			this.count = 0;
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

	/** Runs the delegate (or encodes into memory) and counts the event for its caller. */
	private static final class CountingSink extends UnsynchronizedAppenderBase<ILoggingEvent> {

		private final Appender<ILoggingEvent> delegate;

		private PatternLayoutEncoder encoder;

		/** Bytes encoded; read by nobody, it keeps the encoding from being optimised away. */
		private long bytes;

		CountingSink(Appender<ILoggingEvent> delegate) {
			this.delegate = delegate;
			setName("sink");
		}

		@Override
		public void start() {
			this.encoder = encoder(getContext());
			super.start();
		}

		@Override
		public void stop() {
			super.stop();
			if (this.delegate != null) {
				this.delegate.stop();
			}
		}

		@Override
		protected void append(ILoggingEvent event) {
			if (this.delegate != null) {
				this.delegate.doAppend(event);
			}
			else {
				this.bytes += this.encoder.encode(event).length;
			}
			Object[] arguments = event.getArgumentArray();
			if (arguments != null && arguments.length > 0 && arguments[0] instanceof Tally tally) {
				tally.increment();
			}
		}

	}

}
