package io.github.selectorwakequeue.benchmarks;

/** Starts and stops the hand-written consumers' threads. */
final class ConsumerThread {

	private ConsumerThread() {
	}

	static Thread start(String name, Runnable loop) {
		Thread thread = new Thread(loop, name);
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	static void stop(Thread thread) {
		thread.interrupt();
		try {
			thread.join(5000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
