package io.github.selectorwakequeue.spring.logback;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.spi.AppenderAttachable;
import io.github.selectorwakequeue.logback.SelectorWakeQueueAppender;

/**
 * Finds the started {@link SelectorWakeQueueAppender}s of a Logback {@link LoggerContext}: attached to any logger,
 * directly or inside another appender that has appenders attached (an {@code AsyncAppender}, ours). Each appears
 * once, however many loggers refer to it. Reads Logback's copy-on-write appender lists; never blocks logging.
 */
public final class LogbackAppenders {

	private LogbackAppenders() {
	}

	/**
	 * The started appenders, in the order of the context's loggers.
	 * @param context the Logback context to search
	 * @return the appenders found, possibly none
	 */
	public static List<SelectorWakeQueueAppender> started(LoggerContext context) {
		Objects.requireNonNull(context, "context");
		Set<Appender<ILoggingEvent>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		List<SelectorWakeQueueAppender> found = new ArrayList<>();
		for (Logger logger : context.getLoggerList()) {
			collect(logger.iteratorForAppenders(), seen, found);
		}
		return found;
	}

	@SuppressWarnings("unchecked")
	private static void collect(Iterator<Appender<ILoggingEvent>> appenders, Set<Appender<ILoggingEvent>> seen,
			List<SelectorWakeQueueAppender> found) {
		while (appenders.hasNext()) {
			Appender<ILoggingEvent> appender = appenders.next();
			if (!seen.add(appender)) {
				continue;
			}
			if (appender instanceof SelectorWakeQueueAppender ours && ours.isStarted()) {
				found.add(ours);
			}
			if (appender instanceof AppenderAttachable<?> attachable) {
				collect(((AppenderAttachable<ILoggingEvent>) attachable).iteratorForAppenders(), seen, found);
			}
		}
	}

}
