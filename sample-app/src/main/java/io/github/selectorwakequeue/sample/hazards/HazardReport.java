package io.github.selectorwakequeue.sample.hazards;

import java.util.Map;
import java.util.Set;

/**
 * What every hazard demo answers: what was published, what was delivered, and where.
 *
 * @param hazard which demo
 * @param published events published
 * @param delivered events delivered to the listener before the answer
 * @param allDelivered whether {@code delivered == published}
 * @param deliveredOnReactor deliveries that ran on the queue's reactor thread
 * @param publishedOn names of the publishing threads
 * @param deliveredOn names of the threads the listener ran on
 * @param millis how long the demo took
 * @param details what is particular to the demo
 */
public record HazardReport(String hazard, long published, long delivered, boolean allDelivered,
		long deliveredOnReactor, Set<String> publishedOn, Set<String> deliveredOn, long millis,
		Map<String, Object> details) {
}
