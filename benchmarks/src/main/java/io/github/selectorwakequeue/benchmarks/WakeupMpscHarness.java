package io.github.selectorwakequeue.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Selector;

/**
 * JCTools MPSC ring; the empty consumer waits in {@link Selector#select()} and a producer wakes it with
 * plain {@link Selector#wakeup()}: the design ours would be without its self-pipe.
 */
final class WakeupMpscHarness extends SleepingMpscHarness {

	private final Selector selector;

	WakeupMpscHarness(int capacity) {
		super("bench-mpsc-wakeup", capacity);
		try {
			this.selector = Selector.open();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	void sleep() {
		try {
			this.selector.select();
			this.selector.selectedKeys().clear();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	void wake(Thread consumer) {
		this.selector.wakeup();
	}

	@Override
	public void close() {
		super.close();
		try {
			this.selector.close();
		}
		catch (IOException ignored) {
			// closing anyway
		}
	}

}
