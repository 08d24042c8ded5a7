package io.github.selectorwakequeue.spring.logback;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.github.selectorwakequeue.logback.DroppedEvents;
import io.github.selectorwakequeue.logback.SelectorWakeQueueAppender;
import io.github.selectorwakequeue.spring.actuate.RelatedQueues;

/**
 * The queues of the started {@link SelectorWakeQueueAppender}s of a Logback {@link LoggerContext}, for the
 * {@code wakequeue} endpoint: each with its drops per level and its settings. Looked up at each read, so an appender
 * started later is seen. Never includes a logging event.
 */
public final class LogbackAppenderQueues implements RelatedQueues {

	private final LoggerContext context;

	/**
	 * @param context the Logback context in use
	 */
	public LogbackAppenderQueues(LoggerContext context) {
		this.context = Objects.requireNonNull(context, "context");
	}

	@Override
	public List<RelatedQueue> relatedQueues() {
		List<RelatedQueue> queues = new ArrayList<>();
		for (SelectorWakeQueueAppender appender : LogbackAppenders.started(this.context)) {
			appender.queue().ifPresent((queue) -> queues.add(new RelatedQueue("logback-appender", appender.getName(),
					queue, details(appender))));
		}
		return queues;
	}

	private static Map<String, Object> details(SelectorWakeQueueAppender appender) {
		DroppedEvents dropped = appender.droppedEvents();
		Map<String, Object> drops = new LinkedHashMap<>();
		drops.put("total", dropped.total());
		for (Level level : List.of(Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR)) {
			drops.put(level.levelStr.toLowerCase(java.util.Locale.ROOT), dropped.of(level));
		}
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("dropped", drops);
		details.put("queueSize", appender.getQueueSize());
		details.put("discardingThreshold", appender.getDiscardingThreshold()); // the value in effect: it is started
		details.put("neverDropLevel", appender.getNeverDropLevel());
		return details;
	}

}
