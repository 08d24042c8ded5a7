package io.github.selectorwakequeue.spring.event;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.github.selectorwakequeue.spring.event.PublisherThreadListeners.Reasons;

/**
 * The one-line summary of a context's listeners logged at start-up: how many run on the queue, how many stay on the
 * publisher's thread and why, and how many only ever receive framework events (which stay there anyway).
 */
final class ListenerSummary {

	private ListenerSummary() {
	}

	/**
	 * @param listeners the context's listeners, as {@link SelectorWakeQueueEventMulticaster#describeListeners()}
	 * gives them
	 * @return for example {@code 5 listeners on the queue; 2 on the publisher's thread (1 @PublisherThread, 1
	 * transactional (...)); 21 receive only framework events (publisher's thread); GET /actuator/wakequeue lists
	 * them}
	 */
	static String of(List<RoutedListener> listeners) {
		int onQueue = 0;
		int frameworkOnly = 0;
		Map<String, Integer> byReason = new TreeMap<>();
		for (RoutedListener listener : listeners) {
			if (listener.onQueue()) {
				onQueue++;
			}
			else if (Reasons.FRAMEWORK_EVENTS.equals(listener.reason())) {
				frameworkOnly++;
			}
			else {
				byReason.merge(String.valueOf(listener.reason()), 1, Integer::sum);
			}
		}
		int onPublisher = byReason.values().stream().mapToInt(Integer::intValue).sum();
		StringBuilder summary = new StringBuilder().append(onQueue)
			.append((onQueue == 1) ? " listener" : " listeners")
			.append(" on the queue; ")
			.append(onPublisher)
			.append(" on the publisher's thread");
		if (!byReason.isEmpty()) {
			summary.append(" (");
			byReason.forEach((reason, count) -> summary.append(count).append(' ').append(reason).append(", "));
			summary.setLength(summary.length() - 2);
			summary.append(')');
		}
		return summary.append("; ")
			.append(frameworkOnly)
			.append(" receive only framework events (publisher's thread); GET /actuator/wakequeue lists them")
			.toString();
	}

}
