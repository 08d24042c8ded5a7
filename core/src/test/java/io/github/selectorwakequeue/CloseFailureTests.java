package io.github.selectorwakequeue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@code close} calls out of the queue too (it wakes a sleeping reactor through the pipe): a wake write that fails
 * with an {@link Error} must not stop close half-way, with the queue closing for ever and its lane monitor running
 * on (found by {@link FaultInjectionTests}).
 */
class CloseFailureTests {

	private SelectorWakeQueue queue;

	@AfterEach
	void close() {
		QueueTestSupport.closeQuietly(this.queue);
	}

	@Test
	void aWakeWriteFailingWithAnErrorDuringCloseStillClosesTheQueue() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			AtomicBoolean failWrites = new AtomicBoolean();
			SelectorIo failingWrite = new SelectorIo() {
				@Override
				public Selector open() throws IOException {
					return Selector.open();
				}

				@Override
				public int write(Pipe.SinkChannel sink, ByteBuffer buffer) throws IOException {
					if (failWrites.get()) {
						throw new OutOfMemoryError("the wake write fails (test)");
					}
					return sink.write(buffer);
				}
			};
			this.queue = SelectorWakeQueue.builder().name("close-wake-fails").selectorIo(failingWrite).build();
			this.queue.start();
			this.queue.lane("a"); // starts the lane monitor
			QueueTestSupport.awaitReactorInSelect(this.queue);
			failWrites.set(true);
			assertThatCode(() -> this.queue.close(Duration.ofSeconds(1))).as("close").doesNotThrowAnyException();
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
				.noneMatch((thread) -> thread.getName().equals("close-wake-fails-lane-monitor")));
		});
	}

}
