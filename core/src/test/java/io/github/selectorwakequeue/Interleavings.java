package io.github.selectorwakequeue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The enumeration behind the interleaving tests: depth-first over every schedule of a small model of threads
 * whose steps are atomic. Each node replays its schedule's prefix on a fresh model, because the real classes
 * inside a model (ring, sleep flag, lane) cannot be copied; each complete schedule (no thread enabled) is handed
 * to the test's check.
 */
final class Interleavings {

	/** A model of a few threads; thread numbers run from 0 to {@link #threads()} - 1. */
	interface Model {

		int threads();

		boolean enabled(int thread);

		/** Runs one atomic step of an enabled thread. */
		void step(int thread);

	}

	private Interleavings() {
	}

	/**
	 * Runs every schedule of the model that {@code fresh} builds, and hands each finished model to {@code done}.
	 */
	static <M extends Model> void explore(Supplier<M> fresh, Consumer<M> done) {
		explore(new ArrayList<>(), fresh, done);
	}

	private static <M extends Model> void explore(List<Integer> schedule, Supplier<M> fresh, Consumer<M> done) {
		M model = fresh.get();
		for (int thread : schedule) {
			model.step(thread);
		}
		boolean anyEnabled = false;
		for (int thread = 0; thread < model.threads(); thread++) {
			if (model.enabled(thread)) {
				anyEnabled = true;
				schedule.add(thread);
				explore(schedule, fresh, done);
				schedule.remove(schedule.size() - 1);
			}
		}
		if (!anyEnabled) {
			done.accept(model);
		}
	}

}
