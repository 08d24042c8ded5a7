package io.github.selectorwakequeue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.Selector;

/**
 * Every call the wake-up path makes into the JDK's selector and pipe: opening a selector, selecting, waking it, and
 * writing the wake byte. Production uses the JDK's own calls ({@link #DEFAULT}); a test installs one that fails or
 * blocks at a chosen call, to check how the queue lives through a selector it cannot open (too many open files),
 * a {@code select} that throws, or a wake write that fails. Implementations must be thread-safe; {@link #wakeup}
 * and {@link #write} are called by producers.
 */
interface SelectorIo {

	/** The JDK's calls. */
	SelectorIo DEFAULT = Selector::open;

	/**
	 * @return a new, open selector
	 * @throws IOException if none can be opened
	 */
	Selector open() throws IOException;

	/**
	 * Waits in the selector (the reactor thread only).
	 * @return the number of ready keys
	 * @throws IOException as {@link Selector#select(long)}
	 */
	default int select(Selector selector, long timeoutMillis) throws IOException {
		return selector.select(timeoutMillis);
	}

	/** Wakes the selector ({@link Selector#wakeup()}). */
	default void wakeup(Selector selector) {
		selector.wakeup();
	}

	/**
	 * Writes the wake byte into the non-blocking pipe.
	 * @return the number of bytes written (0 if the pipe is full)
	 * @throws IOException as {@link Pipe.SinkChannel#write(ByteBuffer)}
	 */
	default int write(Pipe.SinkChannel sink, ByteBuffer buffer) throws IOException {
		return sink.write(buffer);
	}

}
