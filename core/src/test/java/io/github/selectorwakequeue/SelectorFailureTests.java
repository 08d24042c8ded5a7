package io.github.selectorwakequeue;

import java.io.IOException;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A selector that fails while no new one can be opened (a process out of file handles) must not make the
 * reactor die and restart in a tight loop: the reactor keeps running tasks without a selector, and takes a new
 * one as soon as it can be opened.
 */
class SelectorFailureTests {

	private SelectorWakeQueue queue;

	@AfterEach
	void close() {
		QueueTestSupport.closeQuietly(this.queue);
	}

	@Test
	void aBrokenSelectorThatCannotBeReplacedNeitherStopsTasksNorRestartsTheReactor() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			AtomicReference<Selector> opened = new AtomicReference<>();
			AtomicBoolean canOpen = new AtomicBoolean(true);
			AtomicInteger refused = new AtomicInteger();
			this.queue = SelectorWakeQueue.builder().name("broken-selector").selectorIo(() -> {
				if (!canOpen.get()) {
					refused.incrementAndGet();
					throw new IOException("Too many open files (simulated)");
				}
				Selector selector = Selector.open();
				opened.set(selector);
				return selector;
			}).build();
			this.queue.start();
			Thread reactor = QueueTestSupport.awaitReactorInSelect(this.queue);

			canOpen.set(false);
			opened.get().close(); // select() now fails with ClosedSelectorException
			await().atMost(Duration.ofSeconds(10)).until(() -> refused.get() > 0);

			for (int round = 0; round < 20; round++) {
				CountDownLatch ran = new CountDownLatch(100);
				for (int i = 0; i < 100; i++) {
					this.queue.execute(ran::countDown);
				}
				assertThat(ran.await(5, TimeUnit.SECONDS)).as("round %d ran without a selector", round).isTrue();
			}
			assertThat(this.queue.stats().reactorRestarts()).as("reactor restarts").isZero();
			assertThat(this.queue.reactorThread()).contains(reactor);
			assertThat(this.queue.stats().running()).isTrue();

			canOpen.set(true);
			await().atMost(Duration.ofSeconds(10)).until(() -> this.queue.stats().selectorRebuilds() == 1);
			QueueTestSupport.awaitReactorInSelect(this.queue);
			CountDownLatch after = new CountDownLatch(1);
			this.queue.execute(after::countDown);
			assertThat(after.await(5, TimeUnit.SECONDS)).isTrue();
		});
	}

	@Test
	void aReactorThatKeepsDyingIsRestartedWithABackOffNotInATightLoop() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			AtomicBoolean broken = new AtomicBoolean();
			AtomicReference<SelectorWakeQueue> holder = new AtomicReference<>();
			this.queue = SelectorWakeQueue.builder().name("crash-loop").nanoClock(() -> {
				SelectorWakeQueue current = holder.get();
				if (broken.get() && current != null && current.isReactorThread()) {
					throw new IllegalStateException("clock broken on the reactor (simulated)");
				}
				return System.nanoTime();
			}).build();
			holder.set(this.queue);
			this.queue.start();
			QueueTestSupport.awaitDrained(this.queue, Duration.ofSeconds(5));
			broken.set(true);
			this.queue.execute(() -> {
			});
			long start = System.nanoTime();
			await().atMost(Duration.ofSeconds(20)).until(() -> this.queue.stats().reactorRestarts() >= 10);
			// pauses doubling from 1 ms after the second crash: 1 + 2 + ... + 256 ms before the tenth restart, where a
			// tight loop restarts ten times in a few milliseconds
			assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(400);
			broken.set(false);
			CountDownLatch ran = new CountDownLatch(1);
			this.queue.execute(ran::countDown);
			assertThat(ran.await(10, TimeUnit.SECONDS)).as("runs again once the fault is gone").isTrue();
		});
	}

}
