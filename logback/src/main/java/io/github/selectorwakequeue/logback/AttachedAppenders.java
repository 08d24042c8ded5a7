package io.github.selectorwakequeue.logback;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import ch.qos.logback.core.spi.ContextAware;

/**
 * The appenders attached to a {@link SelectorWakeQueueAppender}, in attachment order. Attaching and detaching
 * (configuration time) are serialised by this object's monitor and publish a fresh array; appending reads that
 * array without a lock and without allocating. An appender that throws (even an {@link Error}) is reported and
 * the event still goes to the appenders after it.
 */
final class AttachedAppenders implements AppenderAttachable<ILoggingEvent> {

	@SuppressWarnings("unchecked")
	private static final Appender<ILoggingEvent>[] NONE = new Appender[0];

	private final AppenderAttachableImpl<ILoggingEvent> attached = new AppenderAttachableImpl<>();

	private final ContextAware owner;

	private volatile Appender<ILoggingEvent>[] snapshot = NONE;

	AttachedAppenders(ContextAware owner) {
		this.owner = Objects.requireNonNull(owner, "owner");
	}

	/**
	 * Appends the event to every attached appender, in order. Called by one thread at a time (the reactor, or
	 * the stopping thread once the reactor has exited). Never throws.
	 */
	void appendToAll(ILoggingEvent event) {
		for (Appender<ILoggingEvent> appender : this.snapshot) {
			try {
				appender.doAppend(event);
			}
			catch (Throwable ex) {
				// doAppend catches Exceptions itself; what gets here is an Error, which kills AsyncAppender's worker.
				this.owner.addError("Appender [" + appender.getName() + "] threw " + ex
						+ "; the event still goes to the appenders attached after it", ex);
			}
		}
	}

	boolean isEmpty() {
		return this.snapshot.length == 0;
	}

	@Override
	public synchronized void addAppender(Appender<ILoggingEvent> newAppender) {
		this.attached.addAppender(newAppender);
		refresh();
	}

	@Override
	public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
		return this.attached.iteratorForAppenders();
	}

	@Override
	public Appender<ILoggingEvent> getAppender(String name) {
		return this.attached.getAppender(name);
	}

	@Override
	public boolean isAttached(Appender<ILoggingEvent> appender) {
		return this.attached.isAttached(appender);
	}

	@Override
	public synchronized void detachAndStopAllAppenders() {
		this.attached.detachAndStopAllAppenders();
		refresh();
	}

	@Override
	public synchronized boolean detachAppender(Appender<ILoggingEvent> appender) {
		boolean detached = this.attached.detachAppender(appender);
		refresh();
		return detached;
	}

	@Override
	public synchronized boolean detachAppender(String name) {
		boolean detached = this.attached.detachAppender(name);
		refresh();
		return detached;
	}

	private void refresh() {
		List<Appender<ILoggingEvent>> current = new ArrayList<>();
		this.attached.iteratorForAppenders().forEachRemaining(current::add);
		this.snapshot = current.toArray(NONE);
	}

}
