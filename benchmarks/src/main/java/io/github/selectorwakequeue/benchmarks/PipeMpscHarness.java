package io.github.selectorwakequeue.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;

/**
 * JCTools MPSC ring; the empty consumer waits in {@link Selector#select()} on the read end of a
 * non-blocking pipe and a producer wakes it by writing one byte: our wake mechanism with none of our
 * reactor's other work (timers, close hand-over, stall stamps, counters). Only the latency benchmark
 * uses it, to split our wake-up's cost into the mechanism's and the reactor loop's.
 */
final class PipeMpscHarness extends SleepingMpscHarness {

	private final Selector selector;

	private final Pipe pipe;

	private final ByteBuffer drain = ByteBuffer.allocateDirect(64);

	private final ByteBuffer wakeByte = ByteBuffer.allocateDirect(1);

	PipeMpscHarness(int capacity) {
		super("bench-mpsc-pipe", capacity);
		try {
			this.selector = Selector.open();
			this.pipe = Pipe.open();
			this.pipe.source().configureBlocking(false);
			this.pipe.sink().configureBlocking(false);
			this.pipe.source().register(this.selector, SelectionKey.OP_READ);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	void sleep() {
		try {
			if (this.selector.select() > 0) {
				this.selector.selectedKeys().clear();
				this.drain.clear();
				this.pipe.source().read(this.drain);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** One waker at a time by construction (the sleep flag), so one shared buffer is enough. */
	@Override
	void wake(Thread consumer) {
		try {
			this.wakeByte.clear();
			this.pipe.sink().write(this.wakeByte);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		super.close();
		try {
			this.selector.close();
			this.pipe.source().close();
			this.pipe.sink().close();
		}
		catch (IOException ignored) {
			// closing anyway
		}
	}

}
