package io.github.selectorwakequeue.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.selectorwakequeue.OverflowPolicy;
import io.github.selectorwakequeue.SelectorWakeQueue;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;
import org.springframework.validation.annotation.Validated;

/**
 * Configuration of the {@link SelectorWakeQueue} bean, its event routing, health and metrics, under the
 * {@code selector-wake-queue} prefix.
 *
 * <p>Validates itself when bound (Spring Boot calls {@link #validate(Object, Errors)} on properties classes
 * that are a {@link Validator}), so it needs no JSR-303 provider, which a starter user does not have by
 * default. An invalid value stops start-up and {@link SelectorWakeQueueFailureAnalyzer} reports the property,
 * the value and what is allowed.
 */
@ConfigurationProperties(SelectorWakeQueueProperties.PREFIX)
@Validated
public class SelectorWakeQueueProperties implements Validator {

	/** The prefix of every property. */
	public static final String PREFIX = "selector-wake-queue";

	/**
	 * Whether to create the queue, its reactor thread and the event routing at all.
	 */
	private boolean enabled = true;

	/**
	 * Name of the queue: the reactor thread's name and the 'name' tag of its metrics.
	 */
	private String name = SelectorWakeQueue.DEFAULT_NAME;

	/**
	 * Most tasks the queue holds, between 1 and 1073741824; rounded up to a power of two. The ring is
	 * allocated up front: about 4 bytes per slot.
	 */
	private int capacity = SelectorWakeQueue.DEFAULT_CAPACITY;

	/**
	 * What happens to a task the queue cannot accept because it is full or closed: 'reject' (throw
	 * RejectedExecutionException), 'caller-runs' (run it on the submitting thread) or 'discard'.
	 */
	private OverflowPolicy overflowPolicy = OverflowPolicy.CALLER_RUNS;

	/**
	 * How long queued tasks may still run when the application shuts down; it bounds the whole close. Events still
	 * waiting after it are not delivered: they are reported per listener. Also how long a context stop or pause
	 * waits for the tasks queued before it.
	 */
	private Duration shutdownTimeout = Duration.ofSeconds(30);

	private final Events events = new Events();

	private final Lanes lanes = new Lanes();

	private final Health health = new Health();

	private final Metrics metrics = new Metrics();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getName() {
		return this.name;
	}

	public void setName(String name) {
		this.name = name;
	}

	public int getCapacity() {
		return this.capacity;
	}

	public void setCapacity(int capacity) {
		this.capacity = capacity;
	}

	public OverflowPolicy getOverflowPolicy() {
		return this.overflowPolicy;
	}

	public void setOverflowPolicy(OverflowPolicy overflowPolicy) {
		this.overflowPolicy = overflowPolicy;
	}

	public Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	public Events getEvents() {
		return this.events;
	}

	public Lanes getLanes() {
		return this.lanes;
	}

	public Health getHealth() {
		return this.health;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	@Override
	public boolean supports(Class<?> type) {
		return SelectorWakeQueueProperties.class.isAssignableFrom(type);
	}

	/**
	 * Checks every value against {@link PropertyConstraint}; each violation is rejected with the field's
	 * path and, as its message, what the property allows.
	 */
	@Override
	public void validate(Object target, Errors errors) {
		SelectorWakeQueueProperties properties = (SelectorWakeQueueProperties) target;
		for (PropertyConstraint constraint : PropertyConstraint.values()) {
			if (!constraint.accepts(properties)) {
				errors.rejectValue(constraint.field(), "selector-wake-queue.invalid", constraint.allowed());
			}
		}
	}

	/**
	 * Routing of application events through the queue.
	 */
	public static class Events {

		/**
		 * Whether to deliver application events to listeners on the reactor thread. When false, Spring's
		 * default multicaster delivers them on the publisher's thread.
		 */
		private boolean enabled = true;

		/**
		 * Extra event types (and their subclasses) always delivered on the publisher's thread, in addition
		 * to Spring's context, application, availability and web-server events.
		 */
		private List<Class<?>> synchronousTypes = new ArrayList<>();

		/**
		 * Whether to capture the publisher's context (MDC, tracing, anything registered with Micrometer's
		 * ContextRegistry) when an event is published and restore it around its listeners on the reactor
		 * thread. Needs io.micrometer:context-propagation on the class path; off without it.
		 */
		private boolean propagateContext = true;

		/**
		 * Listeners kept on the publisher's thread with Spring's semantics (its transaction, its thread-locals, its
		 * exceptions), as if annotated with @PublisherThread: listener ids (an @EventListener's id, or Spring's
		 * default 'com.example.Orders.on(com.example.OrderPlaced)'), the names /actuator/wakequeue shows
		 * ('Orders.on(OrderPlaced)'), or ApplicationListener bean names.
		 */
		private List<String> publisherThreadListeners = new ArrayList<>();

		private final Modulith modulith = new Modulith();

		private final Observations observations = new Observations();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public List<Class<?>> getSynchronousTypes() {
			return this.synchronousTypes;
		}

		public void setSynchronousTypes(List<Class<?>> synchronousTypes) {
			this.synchronousTypes = synchronousTypes;
		}

		public boolean isPropagateContext() {
			return this.propagateContext;
		}

		public void setPropagateContext(boolean propagateContext) {
			this.propagateContext = propagateContext;
		}

		public List<String> getPublisherThreadListeners() {
			return this.publisherThreadListeners;
		}

		public void setPublisherThreadListeners(List<String> publisherThreadListeners) {
			this.publisherThreadListeners = publisherThreadListeners;
		}

		public Modulith getModulith() {
			return this.modulith;
		}

		public Observations getObservations() {
			return this.observations;
		}

	}

	/**
	 * Micrometer observations of event deliveries.
	 */
	public static class Observations {

		/**
		 * Whether each delivery to a listener that runs off the publisher's thread runs inside a Micrometer
		 * Observation 'wakequeue.deliver' (a span in the publisher's trace and a timer, tagged with the listener and
		 * the queue). Needs micrometer-observation and an ObservationRegistry bean.
		 */
		private boolean enabled;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * Composition with Spring Modulith's event publication registry.
	 */
	public static class Modulith {

		/**
		 * Whether to compose with Spring Modulith's event publication registry when it is present: its
		 * multicaster keeps recording and resubmitting publications, while listeners it does not track run on the
		 * reactor and module listeners run on the queue in commit order. When false, Modulith's multicaster is
		 * left alone and events are not routed through the queue.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * Listener lanes: each asynchronous listener gets its events in its own lane, in publish order; a slow or stuck
	 * listener leaves the reactor and delays only itself.
	 */
	public static class Lanes {

		/**
		 * Whether a slow or stuck listener may leave the reactor thread. When false, every listener runs on the
		 * reactor, one at a time, in order (strict single-thread delivery), however slow.
		 */
		private boolean enabled = true;

		/**
		 * Cost per event above which a listener (three measured events in a row) moves from the reactor to a
		 * worker thread; it comes back once it stays below half of this and has caught up.
		 */
		private Duration slowThreshold = Duration.ofNanos(250_000);

		/**
		 * The most one listener call may run on the reactor before the reactor leaves it running on its thread and a
		 * spare reactor thread carries on with every other listener and task. A call that waits (parked, sleeping,
		 * blocked) of a listener past its first 16 calls is handed off sooner: after 32 times its usual cost, at
		 * least a fortieth of this.
		 */
		private Duration stuckThreshold = Duration.ofMillis(100);

		/**
		 * Most worker threads running slow listeners at once (virtual threads from JDK 24 on, platform threads
		 * before).
		 */
		private int workers = 16;

		/**
		 * Most events waiting for one slow listener; a listener that far behind holds the reactor back until it
		 * has room, so the queue fills and the overflow policy applies, instead of events piling up without bound.
		 */
		private int maxBacklog = 10_000;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getSlowThreshold() {
			return this.slowThreshold;
		}

		public void setSlowThreshold(Duration slowThreshold) {
			this.slowThreshold = slowThreshold;
		}

		public Duration getStuckThreshold() {
			return this.stuckThreshold;
		}

		public void setStuckThreshold(Duration stuckThreshold) {
			this.stuckThreshold = stuckThreshold;
		}

		public int getWorkers() {
			return this.workers;
		}

		public void setWorkers(int workers) {
			this.workers = workers;
		}

		public int getMaxBacklog() {
			return this.maxBacklog;
		}

		public void setMaxBacklog(int maxBacklog) {
			this.maxBacklog = maxBacklog;
		}

	}

	/**
	 * The 'selectorWakeQueue' health indicator.
	 */
	public static class Health {

		/**
		 * How long one task on the reactor, or one call of a listener (on the reactor or on a lane's worker), may run
		 * before health reports DOWN: the reactor stalled (everything queued waits), or that listener is stuck (only
		 * its own events wait). Health names the task's or the listener's thread with its frames.
		 */
		private Duration stallThreshold = Duration.ofSeconds(10);

		public Duration getStallThreshold() {
			return this.stallThreshold;
		}

		public void setStallThreshold(Duration stallThreshold) {
			this.stallThreshold = stallThreshold;
		}

	}

	/**
	 * Metrics of the queue.
	 */
	public static class Metrics {

		/**
		 * Time one task in this many for the 'wakequeue.wait' and 'wakequeue.execution' timers; 1 times
		 * every task. Counters and gauges are always exact.
		 */
		private int timingSampleEvery = 64;

		public int getTimingSampleEvery() {
			return this.timingSampleEvery;
		}

		public void setTimingSampleEvery(int timingSampleEvery) {
			this.timingSampleEvery = timingSampleEvery;
		}

	}

}
