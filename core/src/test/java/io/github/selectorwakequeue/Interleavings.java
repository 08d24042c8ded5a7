package io.github.selectorwakequeue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The enumeration behind the interleaving tests: depth-first over every schedule of a small model of threads
 * whose steps are atomic. Each node replays its schedule's prefix on a fresh model, because the real classes
 * inside a model (ring, sleep flag, lane) cannot be copied; each complete schedule (no thread enabled) is handed
 * to the test's check.
 *
 * <p>{@link #exploreReduced} does the same for a model whose steps say which shared variables they read and write
 * ({@link Accessing}), skipping schedules that only reorder independent steps (Godefroid's sleep sets): two steps
 * are independent if neither writes a variable the other touches, and then both orders reach the same state. One
 * schedule of every class is still run, so every final state (and every deadlock) is reached and checked; what is
 * skipped is the same final state reached again. A step's accesses must include what decides whether a waiting
 * thread is enabled.
 */
final class Interleavings {

	/** A model of a few threads; thread numbers run from 0 to {@link #threads()} - 1. */
	interface Model {

		int threads();

		boolean enabled(int thread);

		/** Runs one atomic step of an enabled thread. */
		void step(int thread);

	}

	/** A model whose steps declare their accesses to shared state, for {@link #exploreReduced}. */
	interface Accessing extends Model {

		/** What the next step of an enabled thread reads and writes (a function of that thread's position only). */
		Access next(int thread);

	}

	/** The shared variables one step reads and writes, by name. */
	record Access(Set<String> reads, Set<String> writes) {

		static Access reads(String... variables) {
			return new Access(Set.of(variables), Set.of());
		}

		static Access writes(String... variables) {
			return new Access(Set.of(), Set.of(variables));
		}

		/** Reads and writes every variable named: a CAS, a getAndSet. */
		static Access updates(String... variables) {
			return new Access(Set.of(variables), Set.of(variables));
		}

		/** This step and {@code and} as one (a step that reads one variable and writes another). */
		Access and(Access and) {
			Set<String> reads = new java.util.HashSet<>(this.reads);
			reads.addAll(and.reads);
			Set<String> writes = new java.util.HashSet<>(this.writes);
			writes.addAll(and.writes);
			return new Access(reads, writes);
		}

		boolean dependsOn(Access other) {
			return touches(this.writes, other.reads) || touches(this.writes, other.writes)
					|| touches(other.writes, this.reads);
		}

		private static boolean touches(Set<String> written, Set<String> touched) {
			for (String variable : written) {
				if (touched.contains(variable)) {
					return true;
				}
			}
			return false;
		}

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

	/**
	 * Runs one schedule of every class of schedules that differ only in the order of independent steps, and hands
	 * each finished model to {@code done}.
	 * @return how many complete schedules were run
	 */
	static <M extends Accessing> long exploreReduced(Supplier<M> fresh, Consumer<M> done) {
		return exploreReduced(new ArrayList<>(), Map.of(), fresh, done);
	}

	private static <M extends Accessing> long exploreReduced(List<Integer> schedule, Map<Integer, Access> sleeping,
			Supplier<M> fresh, Consumer<M> done) {
		M model = fresh.get();
		for (int thread : schedule) {
			model.step(thread); // the children replay on models of their own: this one stays at this node
		}
		boolean anyEnabled = false;
		long schedules = 0;
		Map<Integer, Access> explored = new HashMap<>(sleeping);
		for (int thread = 0; thread < model.threads(); thread++) {
			if (!model.enabled(thread)) {
				continue;
			}
			anyEnabled = true;
			if (sleeping.containsKey(thread)) {
				continue; // every schedule from here that starts with this step was run from an earlier sibling
			}
			Access access = model.next(thread);
			Map<Integer, Access> childSleeping = new HashMap<>();
			explored.forEach((other, otherAccess) -> {
				if (!otherAccess.dependsOn(access)) {
					childSleeping.put(other, otherAccess);
				}
			});
			schedule.add(thread);
			schedules += exploreReduced(schedule, childSleeping, fresh, done);
			schedule.remove(schedule.size() - 1);
			explored.put(thread, access);
		}
		if (!anyEnabled) {
			done.accept(model);
			return 1;
		}
		return schedules;
	}

}
