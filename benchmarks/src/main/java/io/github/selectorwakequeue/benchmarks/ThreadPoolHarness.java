package io.github.selectorwakequeue.benchmarks;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * {@code ThreadPoolExecutor(1, 1, 0, LinkedBlockingQueue)}: what Spring's {@code ThreadPoolTaskExecutor}
 * with one thread and its default (unbounded) queue capacity builds. The consumer waits on the queue's
 * {@code Condition}; every {@code offer} takes the queue's put lock and allocates a node.
 */
final class ThreadPoolHarness implements Harness {

	private final ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
			new LinkedBlockingQueue<>(), runnable -> {
				Thread thread = new Thread(runnable, "bench-tpe");
				thread.setDaemon(true);
				return thread;
			});

	@Override
	public void start() {
		this.executor.prestartAllCoreThreads();
	}

	@Override
	public void execute(Runnable task) {
		this.executor.execute(task);
	}

	@Override
	public boolean offer(Runnable task) {
		this.executor.execute(task); // unbounded: always has room
		return true;
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
		try {
			this.executor.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
