package io.github.selectorwakequeue.spring.actuate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.github.selectorwakequeue.SelectorWakeQueue;

/**
 * Other queues of the application that the {@code wakequeue} endpoint describes next to the main one: for example
 * the queue of each Logback {@code SelectorWakeQueueAppender}. Called on the thread reading the endpoint; must be
 * quick, never block, and never expose event contents.
 */
@FunctionalInterface
public interface RelatedQueues {

	/**
	 * @return the related queues now, each with what kind of queue it is and a few extra values
	 */
	List<RelatedQueue> relatedQueues();

	/**
	 * One related queue.
	 *
	 * @param kind what the queue serves, such as {@code logback-appender}
	 * @param name its name (an appender's name)
	 * @param queue the queue
	 * @param details extra values to show (counts and settings only), in a stable order
	 */
	record RelatedQueue(String kind, String name, SelectorWakeQueue queue, Map<String, Object> details) {

		/** Checks that no value is null and keeps an unmodifiable copy of the details, in their order. */
		public RelatedQueue {
			Objects.requireNonNull(kind, "kind");
			Objects.requireNonNull(name, "name");
			Objects.requireNonNull(queue, "queue");
			details = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(details, "details")));
		}

	}

}
