package io.github.selectorwakequeue.autoconfigure;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.github.selectorwakequeue.FanOut;
import io.github.selectorwakequeue.Lane;
import io.github.selectorwakequeue.LanePart;

/**
 * What a queue returned from {@code close} as not run, counted per listener (per lane: a lane is named after its
 * listener) for one log line; tasks that belong to no lane are counted apart. Never throws: a fan-out that cannot
 * name its lanes counts under {@code ?}.
 */
final class LeftoverReport {

	private final Map<String, Integer> perLane = new TreeMap<>();

	private int deliveries;

	private int otherTasks;

	LeftoverReport(List<Runnable> notRun) {
		for (Runnable task : notRun) {
			if (task instanceof LanePart part) {
				count(part.fanOut(), part.index());
			}
			else if (task instanceof FanOut fanOut) {
				int parts = partsOf(fanOut);
				for (int index = 0; index < parts; index++) {
					count(fanOut, index);
				}
			}
			else {
				this.otherTasks++;
			}
		}
	}

	private static int partsOf(FanOut fanOut) {
		try {
			return Math.max(0, fanOut.parts());
		}
		catch (RuntimeException ex) {
			return 0;
		}
	}

	private void count(FanOut fanOut, int index) {
		String name;
		try {
			Lane lane = fanOut.lane(index);
			name = (lane != null) ? lane.name() : "?";
		}
		catch (RuntimeException ex) {
			name = "?";
		}
		this.perLane.merge(name, 1, Integer::sum);
		this.deliveries++;
	}

	/** Deliveries to listeners that were not made. */
	int deliveries() {
		return this.deliveries;
	}

	/** Tasks that belong to no listener. */
	int otherTasks() {
		return this.otherTasks;
	}

	/** {@code Listener.a(Event): 120, Other.b(Event): 3}, most first. */
	String perListener() {
		StringBuilder text = new StringBuilder();
		this.perLane.entrySet().stream()
			.sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
			.forEach((entry) -> text.append((text.length() > 0) ? ", " : "").append(entry.getKey()).append(": ")
				.append(entry.getValue()));
		return text.toString();
	}

}
