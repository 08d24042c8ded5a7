package io.github.selectorwakequeue.logback;

import ch.qos.logback.classic.spi.ILoggingEvent;

/** One queued event: what the reactor runs to append it. */
final class AppendTask implements Runnable {

	private final Pipeline pipeline;

	final ILoggingEvent event;

	AppendTask(Pipeline pipeline, ILoggingEvent event) {
		this.pipeline = pipeline;
		this.event = event;
	}

	@Override
	public void run() {
		this.pipeline.appendQueued(this.event);
	}

	@Override
	public String toString() {
		return "append of a " + this.event.getLevel() + " event"; // never the message: it may hold user data
	}

}
