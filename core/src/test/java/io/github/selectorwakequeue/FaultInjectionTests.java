package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import io.github.selectorwakequeue.FaultWorkload.Body;
import io.github.selectorwakequeue.SeamFaults.Kind;
import io.github.selectorwakequeue.SeamFaults.Seam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Fault injection at every seam (issue 18). Every call the queue makes to something outside it goes through a seam
 * ({@link SeamFaults}): the reactor thread factory, the internal thread maker (monitor, workers), the logger, the
 * clock (counted apart on the reactor threads, the monitor, the workers, and elsewhere: producers and the closer),
 * the selector calls (open, select, wakeup, pipe write), the error handler, task timings, user tasks and the
 * {@link FanOut} methods. One case makes the {@code k}-th call of one seam throw a {@link RuntimeException}, an
 * {@link Error} or an {@link OutOfMemoryError}, or block for up to {@value SeamFaults#BLOCK_MILLIS} ms (longer than
 * the stuck threshold), in one of eight scenarios: plain load; a slow lane (it moves to a worker); a stuck hand-off
 * (a part holding the reactor past the 20 ms stuck threshold, so a spare reactor takes over); an overflow (80
 * fan-outs offered in order while the reactor is held, for a ring of 64: the rest wait in order behind it); and each
 * of them closed while in flight (plain and overflow: once something ran, {@code close(0)}; slow: once something
 * ran, {@code close(10 ms)}; stuck: once the part was handed off, {@code close(5 ms)}), the others closed once
 * quiescent. A dry run of each scenario (itself a case, without a
 * fault) counts the calls each seam makes; {@code k} runs over every call of a seam making up to
 * {@value #EVERY_CALL_UP_TO}, and over the first {@value #FIRST_CALLS} and {@value #SPREAD_CALLS} more spread evenly
 * up to the last of a seam making more (the clock: some 10 to 90 calls). A seam no scenario calls (the selector's
 * {@code wakeup}, used only when the pipe write fails or races) gets no case. The test's own observations
 * ({@code stats()}, a lane's stats, the probe task) are neither counted nor failed.
 *
 * <p>After each case:
 * <ul>
 * <li>every accepted task ran exactly once or was returned by {@code close}; every part of an accepted fan-out ran,
 * was returned, or was refused (its {@code parts()} or {@code lane(i)} failed) exactly once; nothing {@code offer}
 * refused (or threw for) ran;</li>
 * <li>each lane ran its parts one at a time, in the order the queue accepted their fan-outs;</li>
 * <li>open queue: {@code awaitQuiescence} returns true within {@link #WAIT}, a reactor is running and runs a new task,
 * no lane is left stuck, busy or with a backlog, and {@code enqueued == dispatched + size + tasksLost};</li>
 * <li>{@code close(timeout)} returns within its timeout plus {@link #CLOSE_MARGIN} (a blocked call out on the
 * closer's own path, and scheduling on a loaded two-core machine); afterwards {@code enqueued == dispatched + size +
 * tasksLost + callerRuns + what close returned from the ring} (every submission is an {@code offer}, so
 * {@code callerRuns} can only be tasks a producer rescued after close);</li>
 * <li>once the blocking faults and the stuck part are released, no thread of the queue (those made through its
 * thread seams, and any named after it: reactor threads, the spare, the monitor, the workers) is alive within
 * {@link #THREADS_END}, and {@code awaitQuiescence} on the closed queue returns true.</li>
 * </ul>
 * Cases run one after another, each bounded by {@link #CASE_BOUND}; once a case has failed, its remaining waits are
 * cut to {@link #AFTER_FAILURE}. A failing case is a finding and stays in; each finding also has a small test of its
 * own. The last dynamic test prints how many cases ran, in how many the fault fired, and which failed.
 */
class FaultInjectionTests {

	static final Duration SLOW_THRESHOLD = Duration.ofNanos(200_000);

	static final Duration STUCK_THRESHOLD = Duration.ofMillis(20);

	/** How much longer than its timeout {@code close} may take: see the class comment. */
	static final Duration CLOSE_MARGIN = Duration.ofMillis(300);

	/** How long a healthy case may take to become quiescent, run a new task, or reach a point of its scenario. */
	static final Duration WAIT = Duration.ofSeconds(1);

	/**
	 * How long the queue's threads may take to end once close returned and the blocking faults were released: the
	 * monitor looks every 5 ms here, the spare is retired at once, a worker ends after its part; the rest is room for
	 * a loaded two-core machine (250 ms was exceeded once in about 3,500 healthy cases).
	 */
	static final Duration THREADS_END = Duration.ofMillis(500);

	/** The bound of every wait after a case has already failed: the rest only adds detail to its report. */
	static final Duration AFTER_FAILURE = Duration.ofMillis(50);

	static final Duration CASE_BOUND = Duration.ofSeconds(20);

	static final int EVERY_CALL_UP_TO = 8;

	static final int FIRST_CALLS = 5;

	static final int SPREAD_CALLS = 3;

	private static final AtomicInteger names = new AtomicInteger();

	/** What a scenario submits. */
	enum Load {

		PLAIN_LOAD, SLOW_LANE, STUCK_HAND_OFF, OVERFLOW

	}

	/**
	 * A load, closed while in flight (with a timeout short enough to leave work to return) or only once quiescent.
	 */
	record Scenario(Load load, boolean closeDuring) {

		Duration closeTimeout() {
			if (!this.closeDuring) {
				return Duration.ofSeconds(1);
			}
			return switch (this.load) {
				case PLAIN_LOAD, OVERFLOW -> Duration.ZERO;
				case SLOW_LANE -> Duration.ofMillis(10);
				case STUCK_HAND_OFF -> Duration.ofMillis(5);
			};
		}

		@Override
		public String toString() {
			return this.load + (this.closeDuring ? " + close during" : "");
		}

	}

	/** What one case found. */
	record Outcome(Map<Seam, Integer> calls, boolean fired, List<String> problems) {
	}

	private static final Summary summary = new Summary();

	@TestFactory
	Stream<DynamicNode> everySeamFailingAtEachOfItsCallsLeavesTheQueueWhole() {
		List<DynamicNode> scenarios = new ArrayList<>();
		int cases = 0;
		StringBuilder counts = new StringBuilder();
		for (Load load : Load.values()) {
			for (boolean closeDuring : new boolean[] { false, true }) {
				Scenario scenario = new Scenario(load, closeDuring);
				Outcome dry = assertTimeoutPreemptively(CASE_BOUND, () -> runCase(scenario, null, null, 0));
				List<DynamicNode> seams = new ArrayList<>();
				seams.add(DynamicTest.dynamicTest("without a fault (the dry run)", () -> assertThat(dry.problems())
					.as("%s without a fault", scenario).isEmpty()));
				for (Seam seam : Seam.values()) {
					List<Integer> ks = callsToFail(dry.calls().get(seam));
					List<DynamicTest> tests = new ArrayList<>();
					for (Kind kind : Kind.values()) {
						for (int k : ks) {
							tests.add(DynamicTest.dynamicTest(kind + " at call " + k,
									() -> check(scenario, seam, kind, k)));
						}
					}
					cases += tests.size();
					if (!tests.isEmpty()) {
						seams.add(DynamicContainer.dynamicContainer(seam + " (" + dry.calls().get(seam) + " calls)",
								tests));
					}
				}
				counts.append(String.format("%n  %-34s %s", scenario, dry.calls().entrySet().stream()
					.filter((entry) -> entry.getValue() > 0)
					.map((entry) -> entry.getKey() + "=" + entry.getValue())
					.collect(Collectors.joining(" "))));
				scenarios.add(DynamicContainer.dynamicContainer(scenario.toString(), seams));
			}
		}
		System.out.printf("[fault injection] %d cases (seam x kind x k x scenario); calls per seam in the dry runs:%s%n",
				cases, counts);
		int total = cases;
		scenarios.add(DynamicTest.dynamicTest("summary", () -> {
			System.out.printf("[fault injection] %d of %d cases run in %d ms; the fault fired in %d; %d failed%s%n",
					summary.run.get(), total, TimeUnit.NANOSECONDS.toMillis(summary.nanos.get()), summary.fired.get(),
					summary.failed.size(),
					summary.failed.isEmpty() ? "" : ":\n  " + String.join("\n  ", summary.failed));
		}));
		return scenarios.stream();
	}

	/** Which calls of a seam making {@code count} calls to fail. */
	static List<Integer> callsToFail(int count) {
		List<Integer> ks = new ArrayList<>();
		if (count <= EVERY_CALL_UP_TO) {
			for (int k = 1; k <= count; k++) {
				ks.add(k);
			}
			return ks;
		}
		for (int k = 1; k <= FIRST_CALLS; k++) {
			ks.add(k);
		}
		for (int j = 1; j <= SPREAD_CALLS; j++) {
			int k = FIRST_CALLS + (int) ((long) (count - FIRST_CALLS) * j / SPREAD_CALLS);
			if (!ks.contains(k)) {
				ks.add(k);
			}
		}
		return ks;
	}

	private static void check(Scenario scenario, Seam seam, Kind kind, int k) {
		long start = System.nanoTime();
		Outcome outcome = assertTimeoutPreemptively(CASE_BOUND, () -> runCase(scenario, seam, kind, k),
				() -> scenario + ", " + seam + " " + kind + " at call " + k + ": did not finish");
		summary.run.incrementAndGet();
		summary.nanos.addAndGet(System.nanoTime() - start);
		if (outcome.fired()) {
			summary.fired.incrementAndGet();
		}
		if (!outcome.problems().isEmpty()) {
			summary.failed.add(scenario + ", " + seam + " " + kind + " at call " + k + ": " + outcome.problems().get(0));
		}
		assertThat(outcome.problems()).as("%s, %s %s at call %d", scenario, seam, kind, k).isEmpty();
	}

	/** Runs one case; a {@code null} seam is the dry run. Never throws: whatever escapes is a problem found. */
	static Outcome runCase(Scenario scenario, Seam seam, Kind kind, int k) {
		String name = "fi" + names.incrementAndGet();
		SeamFaults faults = (seam != null) ? SeamFaults.failing(name, seam, kind, k) : SeamFaults.none(name);
		List<String> problems = new ArrayList<>();
		SelectorWakeQueue queue = null;
		try {
			queue = SelectorWakeQueue.builder().name(name).capacity(64)
				.laneThresholds(SLOW_THRESHOLD, STUCK_THRESHOLD, 2, 1_000)
				.threadFactory(faults.reactorThreadFactory())
				.internalThreads(faults.internalThreads())
				.logger(faults.logger())
				.nanoClock(faults.clock())
				.selectorIo(faults.selectorIo())
				.errorHandler(faults.errorHandler())
				.taskTimings(faults.taskTimings(), 1)
				.build();
		}
		catch (Throwable ex) {
			if (!faults.fired()) {
				problems.add("build() threw without a fault: " + ex);
			}
			faults.release();
			awaitNoThreadLeft(name, faults, problems);
			return new Outcome(faults.calls(), faults.fired(), problems);
		}
		FaultWorkload work = new FaultWorkload(queue, faults);
		try {
			runScenario(scenario, queue, work, faults, problems);
		}
		catch (Throwable ex) {
			problems.add("the case threw " + ex);
		}
		finally {
			faults.release();
			work.releaseStuckParts();
			if (!queue.isClosed()) {
				try {
					queue.close(Duration.ZERO); // the case failed on its way: leave nothing running
				}
				catch (Throwable ex) {
					problems.add("close(0) after a failed case threw " + ex);
				}
			}
		}
		if (!problems.isEmpty()) {
			SelectorWakeQueue closed = queue;
			problems.add("fault fired on " + faults.firedOn() + "; " + faults.observe(closed::stats) + "; log "
					+ faults.logged());
		}
		return new Outcome(faults.calls(), faults.fired(), problems);
	}

	private static void runScenario(Scenario scenario, SelectorWakeQueue queue, FaultWorkload work, SeamFaults faults,
			List<String> problems) throws InterruptedException {
		Lane a = work.lane("quick-a");
		Lane b = work.lane("quick-b");
		Lane slow = work.lane("slow");
		Lane stuck = work.lane("stuck");
		try {
			queue.start();
		}
		catch (Throwable ex) {
			if (!faults.fired()) {
				problems.add("start() threw without a fault: " + ex);
			}
			try {
				queue.start(); // "a later call tries again"
			}
			catch (Throwable again) {
				problems.add("start() failed again after a single fault: " + again);
			}
		}
		switch (scenario.load()) {
			case PLAIN_LOAD -> {
				for (int i = 0; i < 12; i++) {
					work.offerTask(i % 5 == 4);
					if (i % 2 == 0) {
						work.offerEvent(new Lane[] { a, b }, new Body[] { Body.QUICK, (i == 4) ? Body.FAILING : Body.QUICK });
					}
				}
			}
			case SLOW_LANE -> {
				for (int i = 0; i < 8; i++) {
					work.offerEvent(new Lane[] { a, slow, b }, new Body[] { Body.QUICK, Body.SLOW, Body.QUICK });
					work.offerTask(i == 3);
				}
			}
			case OVERFLOW -> {
				// the reactor held in a task while 80 fan-outs arrive for a ring of 64: the rest wait in order behind it
				CountDownLatch gate = new CountDownLatch(1);
				work.offerTaskHeldBy(gate);
				for (int i = 0; i < 80; i++) {
					work.offerEventInOrder(new Lane[] { a, b }, new Body[] { Body.QUICK, (i == 70) ? Body.FAILING : Body.QUICK });
				}
				gate.countDown();
			}
			case STUCK_HAND_OFF -> {
				work.offerEvent(new Lane[] { stuck, a, b }, new Body[] { Body.STUCK, Body.QUICK, Body.QUICK });
				FaultWorkload.Event first = work.events.get(0);
				awaitQuietly(WAIT, () -> work.stuckEntered.getCount() == 0 || !first.accepted
						|| first.partsRefused.get() + first.laneRefused.get(0) > 0);
				for (int i = 0; i < 6; i++) {
					work.offerTask(i == 3);
					if (i % 2 == 0) {
						work.offerEvent(new Lane[] { stuck, a }, new Body[] { Body.QUICK, Body.QUICK });
					}
				}
			}
		}
		if (scenario.closeDuring()) {
			// close while the work is in flight: once something ran, or, stuck, once the part was handed off
			if (scenario.load() == Load.STUCK_HAND_OFF) {
				awaitQuietly(WAIT,
						() -> work.stuckLeft.getCount() == 0 || faults.observe(queue::stats).reactorHandOffs() > 0);
			}
			else {
				awaitQuietly(WAIT, () -> work.firstRun.getCount() == 0);
			}
		}
		else {
			checkOpen(queue, work, faults, problems);
		}
		List<Runnable> returned = closeWithinBound(queue, scenario.closeTimeout(), problems);
		faults.release();
		work.releaseStuckParts();
		awaitNoThreadLeft(queue.name(), faults, problems);
		Duration bound = problems.isEmpty() ? WAIT : AFTER_FAILURE;
		if (!queue.awaitQuiescence(bound)) {
			problems.add("awaitQuiescence on the closed queue: false after " + bound.toMillis() + " ms");
		}
		int fromRing = work.countReturned(returned, problems);
		work.checkEachItemOnce(problems);
		Stats stats = faults.observe(queue::stats);
		if (stats.enqueued() != stats.dispatched() + stats.size() + stats.tasksLost() + stats.callerRuns() + fromRing) {
			problems.add("after close: enqueued " + stats.enqueued() + " != dispatched " + stats.dispatched() + " + size "
					+ stats.size() + " + tasksLost " + stats.tasksLost() + " + callerRuns " + stats.callerRuns()
					+ " + returned from the ring " + fromRing);
		}
		problems.addAll(work.violations);
	}

	/** The open queue's checks: quiescent, accounted, a reactor running, lanes idle. */
	private static void checkOpen(SelectorWakeQueue queue, FaultWorkload work, SeamFaults faults, List<String> problems)
			throws InterruptedException {
		if (!queue.awaitQuiescence(WAIT)) {
			problems.add("awaitQuiescence: false after " + WAIT.toMillis() + " ms");
			return;
		}
		Stats stats = faults.observe(queue::stats);
		if (stats.enqueued() != stats.dispatched() + stats.size() + stats.tasksLost()) {
			problems.add("quiescent: enqueued " + stats.enqueued() + " != dispatched " + stats.dispatched() + " + size "
					+ stats.size() + " + tasksLost " + stats.tasksLost());
		}
		if (!awaitQuietly(WAIT, () -> faults.observe(queue::stats).running())) {
			problems.add("quiescent, but no reactor running");
		}
		CountDownLatch probe = new CountDownLatch(1);
		if (!faults.observe(() -> queue.offer(probe::countDown))) {
			problems.add("the open queue refused a task");
		}
		else if (!probe.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
			problems.add("a task offered after quiescence did not run within " + WAIT.toMillis() + " ms");
		}
		// quiescent once every part ran: the thread that ran a lane's last part lets go of the lane right after
		if (!awaitQuietly(WAIT, () -> work.lanes().stream().allMatch((lane) -> isIdle(lane, faults)))) {
			for (Lane lane : work.lanes()) {
				LaneStats laneStats = faults.observe(lane::stats);
				if (!isIdle(lane, faults)) {
					problems.add("quiescent, but lane '" + lane.name() + "' is " + laneStats.mode() + " with depth "
							+ laneStats.depth() + (lane.workerActive.get() ? ", a worker active" : ""));
				}
			}
		}
	}

	/** Not stuck, no worker, nothing waiting. */
	private static boolean isIdle(Lane lane, SeamFaults faults) {
		LaneStats laneStats = faults.observe(lane::stats);
		return laneStats.mode() != Lane.Mode.STUCK && !lane.workerActive.get() && laneStats.depth() == 0;
	}

	private static List<Runnable> closeWithinBound(SelectorWakeQueue queue, Duration timeout, List<String> problems) {
		long start = System.nanoTime();
		List<Runnable> returned;
		try {
			returned = queue.close(timeout);
		}
		catch (Throwable ex) {
			problems.add("close(" + timeout.toMillis() + " ms) threw " + ex);
			return List.of();
		}
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		if (took.compareTo(timeout.plus(CLOSE_MARGIN)) > 0) {
			problems.add("close(" + timeout.toMillis() + " ms) took " + took.toMillis() + " ms");
		}
		return returned;
	}

	/**
	 * No thread of the queue left: none of those its seams made (reactor threads, the spare, the monitor, the
	 * workers) alive, waited for, and then none alive named after the queue.
	 */
	private static void awaitNoThreadLeft(String queueName, SeamFaults faults, List<String> problems) {
		Duration bound = problems.isEmpty() ? THREADS_END : AFTER_FAILURE;
		if (!awaitQuietly(bound, () -> faults.liveThreads().isEmpty()) || !queueThreads(queueName).isEmpty()) {
			List<Thread> left = new ArrayList<>(faults.liveThreads());
			queueThreads(queueName).stream().filter((thread) -> !left.contains(thread)).forEach(left::add);
			problems.add("threads left " + bound.toMillis() + " ms after close: " + left.stream()
				.map((thread) -> thread.getName() + " " + thread.getState()
						+ List.of(thread.getStackTrace()).subList(0, Math.min(6, thread.getStackTrace().length)))
				.collect(Collectors.joining("; ")));
		}
	}

	private static List<Thread> queueThreads(String queueName) {
		return Thread.getAllStackTraces().keySet().stream()
			.filter((thread) -> thread.isAlive() && thread.getName().startsWith(queueName + "-"))
			.toList();
	}

	/** Waits for the condition, polling every millisecond on this thread. @return whether it held in time */
	private static boolean awaitQuietly(Duration bound, Callable<Boolean> condition) {
		try {
			await().atMost(bound).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
				.until(condition);
			return true;
		}
		catch (ConditionTimeoutException ex) {
			return false;
		}
	}

	/** What the cases found, for the summary printed last. */
	private static final class Summary {

		final AtomicInteger run = new AtomicInteger();

		final AtomicInteger fired = new AtomicInteger();

		final AtomicLong nanos = new AtomicLong();

		final List<String> failed = Collections.synchronizedList(new ArrayList<>());

	}

}
