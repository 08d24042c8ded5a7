package io.github.selectorwakequeue.spring.logback;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.logback.SelectorWakeQueueAppender;
import io.github.selectorwakequeue.spring.metrics.SelectorWakeQueueMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Binds the meters of every started {@link SelectorWakeQueueAppender} of a Logback {@link LoggerContext} (found
 * by {@link LogbackAppenders#started}): its queue's {@code wakequeue.*} meters, exactly as
 * {@link SelectorWakeQueueMetrics} binds them for any queue (without events and timers), tagged
 * {@code name=<appender name>}; and {@code wakequeue.log.dropped}, a function counter of the events it dropped,
 * tagged {@code name} and {@code level} ({@code trace}, {@code debug}, {@code info}, {@code warn},
 * {@code error}).
 *
 * <p><b>Cost.</b> All are read from the appender's own counters when the registry is read: logging pays nothing
 * for them. <b>When.</b> The appenders are looked up when {@link #bindTo} runs (Boot binds after the context's
 * singletons exist, long after Logback was configured); an appender that Logback starts later (a reconfiguration)
 * is not bound, and a bound one that restarts keeps reporting the queue of its earlier run.
 */
public final class SelectorWakeQueueAppenderMetrics implements MeterBinder {

	private static final List<Level> LEVELS = List.of(Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR);

	private final LoggerContext context;

	/**
	 * Creates a binder.
	 * @param context the Logback context whose appenders to measure
	 */
	public SelectorWakeQueueAppenderMetrics(LoggerContext context) {
		this.context = Objects.requireNonNull(context, "context");
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (SelectorWakeQueueAppender appender : LogbackAppenders.started(this.context)) {
			appender.queue().ifPresent((queue) -> bind(registry, appender, queue));
		}
	}

	private static void bind(MeterRegistry registry, SelectorWakeQueueAppender appender, SelectorWakeQueue queue) {
		new SelectorWakeQueueMetrics(queue, null, null).bindTo(registry);
		for (Level level : LEVELS) {
			FunctionCounter.builder("wakequeue.log.dropped", appender, (a) -> a.droppedEvents().of(level))
				.description("Log events the appender dropped (queue full, logged too deep inside an appender, or "
						+ "not flushed at stop)")
				.baseUnit("events")
				.tag("name", queue.name())
				.tag("level", level.levelStr.toLowerCase(Locale.ROOT))
				.register(registry);
		}
	}

}
