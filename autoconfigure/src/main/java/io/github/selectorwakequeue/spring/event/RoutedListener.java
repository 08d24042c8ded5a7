package io.github.selectorwakequeue.spring.event;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationListener;

/**
 * Where one listener of a context runs, and why, as far as can be known without creating a listener bean: the
 * entries of {@code /actuator/wakequeue}'s {@code listeners} and of the start-up line. Immutable.
 *
 * @param listener the listener's name: {@code Bean.method(Event)} for an {@code @EventListener} method (the name of
 * its lane and its metrics' {@code listener} tag), the class name for an {@code ApplicationListener}
 * @param bean the name of its bean, if known
 * @param thread {@link #QUEUE} or {@link #PUBLISHER}
 * @param reason why it runs on the publisher's thread, or how it runs on the queue when not as a plain lane (a
 * module listener); {@code null} for a plain listener on the queue
 */
public record RoutedListener(String listener, @Nullable String bean, String thread, @Nullable String reason) {

	/** Runs on the queue, in its own lane. */
	public static final String QUEUE = "queue";

	/** Runs on the thread that publishes, inside {@code publishEvent}. */
	public static final String PUBLISHER = "publisher";

	/**
	 * @return whether it runs on the queue
	 */
	public boolean onQueue() {
		return QUEUE.equals(this.thread);
	}

	/**
	 * @param listener a listener
	 * @return its name as the routing gives it: {@code Bean.method(Event)} from an {@code @EventListener}'s listener
	 * id, the class name otherwise
	 */
	public static String nameOf(ApplicationListener<?> listener) {
		return ListenerLanes.nameOf(listener);
	}

}
