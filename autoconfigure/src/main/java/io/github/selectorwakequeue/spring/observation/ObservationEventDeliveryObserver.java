package io.github.selectorwakequeue.spring.observation;

import java.util.Objects;

import io.github.selectorwakequeue.spring.event.EventDeliveryObserver;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * Runs each delivery to a listener off the publisher's thread inside a Micrometer {@link Observation} named
 * {@value #NAME} (contextual name {@value #CONTEXTUAL_NAME}), with the low-cardinality key values
 * {@value #LISTENER} (the listener's lane name) and {@value #QUEUE} (the queue's name). Started on the thread that
 * runs the listener, where the publisher's context is already restored, so its parent is the publisher's current
 * observation: with micrometer-tracing, a child span in the publisher's trace; with a meter registry, a timer
 * {@value #NAME}. A listener's failure is recorded on the observation ({@link Observation#error}) and rethrown.
 * With a no-op registry the observation is a no-op. Thread-safe; never blocks beyond the listener and the
 * registry's handlers.
 */
public final class ObservationEventDeliveryObserver implements EventDeliveryObserver {

	/** The observation's name, and so the timer's. */
	public static final String NAME = "wakequeue.deliver";

	/** The observation's contextual name: the span name. */
	public static final String CONTEXTUAL_NAME = "wakequeue deliver";

	/** Key of the listener's lane name. */
	public static final String LISTENER = "listener";

	/** Key of the queue's name. */
	public static final String QUEUE = "queue";

	private final ObservationRegistry registry;

	/**
	 * Creates the observer.
	 * @param registry where the observations are made
	 */
	public ObservationEventDeliveryObserver(ObservationRegistry registry) {
		this.registry = Objects.requireNonNull(registry, "registry");
	}

	@Override
	public void observe(String queue, String listener, Runnable delivery) {
		Observation.createNotStarted(NAME, this.registry)
			.contextualName(CONTEXTUAL_NAME)
			.lowCardinalityKeyValues(KeyValues.of(LISTENER, listener, QUEUE, queue))
			.observe(delivery);
	}

}
