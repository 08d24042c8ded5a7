package io.github.selectorwakequeue.sample.tasks;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.sample.web.ParameterCheck;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Demonstrates injecting the {@link SelectorWakeQueue} bean and running plain tasks on its reactor
 * thread: {@code POST /tasks?count=N}. {@code execute} never blocks the request thread; if the queue is
 * full, the overflow policy ({@code caller-runs} by default) runs the task on the request thread, which
 * the answer shows in {@code ranOn}. {@code count} is 1 to 1,000,000 (default 1000); anything else is answered
 * with 400.
 */
@RestController
class TasksController {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final int MAX_COUNT = 1_000_000;

	private final SelectorWakeQueue queue;

	TasksController(SelectorWakeQueue queue) {
		this.queue = queue;
	}

	@PostMapping("/tasks")
	TasksResult run(@RequestParam(required = false) String count) throws InterruptedException {
		ParameterCheck check = new ParameterCheck();
		int n = check.intBetween("count", count, 1000, 1, MAX_COUNT);
		check.orThrow();
		CountDownLatch done = new CountDownLatch(n);
		AtomicInteger onReactor = new AtomicInteger();
		Set<String> ranOn = ConcurrentHashMap.newKeySet();
		long start = System.nanoTime();
		for (int i = 0; i < n; i++) {
			this.queue.execute(() -> {
				if (this.queue.isReactorThread()) {
					onReactor.incrementAndGet();
				}
				ranOn.add(Thread.currentThread().getName());
				done.countDown();
			});
		}
		boolean all = done.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		return new TasksResult(n, n - (int) done.getCount(), all, onReactor.get(), ranOn, millis);
	}

	/**
	 * What {@code POST /tasks} answers.
	 * @param requested tasks submitted
	 * @param ran tasks that ran before the answer
	 * @param allRan whether every task ran within the bounded wait
	 * @param ranOnReactor tasks that ran on the reactor thread
	 * @param ranOn names of the threads the tasks ran on
	 * @param millis time from the first submission to the last run
	 */
	record TasksResult(int requested, int ran, boolean allRan, int ranOnReactor, Set<String> ranOn, long millis) {
	}

}
