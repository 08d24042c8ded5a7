package io.github.selectorwakequeue;

import java.time.Duration;

/**
 * A snapshot of a {@link SelectorWakeQueue}'s counters, taken by {@link SelectorWakeQueue#stats()}.
 * Each field is read on its own, without a lock, so the fields are individually exact but not one
 * atomic picture (for example {@code enqueued - dispatched} may briefly differ from {@code size}).
 *
 * @param name the queue's name
 * @param size tasks queued now: in the ring, and fan-outs waiting in order behind a full ring (so it may exceed
 *        {@code capacity} by those)
 * @param capacity the most tasks the ring holds (the configured capacity rounded up to a power of two)
 * @param enqueued tasks accepted into the queue since it was built (into the ring, or in order behind it)
 * @param dispatched tasks the reactor took from the queue and ran (including those that threw)
 * @param rejected tasks refused with {@link java.util.concurrent.RejectedExecutionException}
 * @param callerRuns tasks run on the submitting thread because the queue was full or closed
 * @param discarded tasks dropped under {@link OverflowPolicy#DISCARD}
 * @param failed tasks that threw, wherever they ran
 * @param wakeups wake-ups actually issued to a sleeping reactor (self-pipe writes)
 * @param reactorRestarts reactor threads started to replace one that died
 * @param selectorRebuilds selectors replaced after the JDK's epoll spin bug or a failing {@code select}
 * @param tasksLost tasks of producers that died of a {@link StackOverflowError} between claiming a slot and
 *        filling it (their {@code offer} threw, so they were never reported as accepted), whose slots were skipped
 * @param reactorHandOffs spare reactor threads that carried on while the previous one stayed with a stuck lane
 * @param laneWorkerCompensations lane workers allowed beyond the configured number because as many were stuck in
 *        a part (each stuck worker is compensated once, while it stays stuck)
 * @param overflowed fan-outs that found the ring full and were kept in order behind it instead of running on the
 *        submitting thread (caller-runs, or a submission from the reactor), each lane's backlog limit permitting
 * @param running whether the reactor thread is alive and the queue not closed
 * @param closed whether {@link SelectorWakeQueue#close(Duration)} has been called
 * @param oldestTaskAge an upper bound on how long the oldest queued task has waited:
 *        the time since the reactor last found the queue empty; zero when the queue is empty
 * @param currentTaskRunningFor how long the task the reactor is running now has been running,
 *        or zero when the reactor is not in a task (see {@link SelectorWakeQueue#stats()})
 */
public record Stats(String name, int size, int capacity, long enqueued, long dispatched, long rejected,
		long callerRuns, long discarded, long failed, long wakeups, long reactorRestarts, long selectorRebuilds,
		long tasksLost, long reactorHandOffs, long laneWorkerCompensations, long overflowed, boolean running,
		boolean closed, Duration oldestTaskAge, Duration currentTaskRunningFor) {

	/**
	 * How full the queue is.
	 * @return {@code size} as a percentage of {@code capacity}, between 0 and 100 (100 while fan-outs wait behind
	 * a full ring)
	 */
	public double utilization() {
		return (capacity == 0) ? 0 : Math.min(100.0, (100.0 * size) / capacity);
	}

}
