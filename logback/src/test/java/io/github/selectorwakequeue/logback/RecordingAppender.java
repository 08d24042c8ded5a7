package io.github.selectorwakequeue.logback;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;

/**
 * The attached appender of the tests: records every event with the thread that appended it, after running an
 * optional hook (block on a latch, take a lock, log, throw).
 */
final class RecordingAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

	private final ConcurrentLinkedQueue<Appended> appended = new ConcurrentLinkedQueue<>();

	private volatile Consumer<ILoggingEvent> hook = (event) -> {
	};

	RecordingAppender() {
		setName("recorder");
	}

	void onAppend(Consumer<ILoggingEvent> hook) {
		this.hook = hook;
	}

	@Override
	protected void append(ILoggingEvent event) {
		this.hook.accept(event);
		this.appended.add(new Appended(event, Thread.currentThread()));
	}

	List<Appended> appended() {
		return new ArrayList<>(this.appended);
	}

	List<String> messages() {
		return appended().stream().map((a) -> a.event().getFormattedMessage()).toList();
	}

	int count() {
		return this.appended.size();
	}

	/** An appended event and the thread that appended it. */
	record Appended(ILoggingEvent event, Thread thread) {
	}

}
