package io.github.selectorwakequeue.spring.modulith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;

import io.github.selectorwakequeue.spring.modulith.CommitSequencer.Ticket;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@link CommitSequencer}: tasks leave in the order their tickets were reserved, whichever thread closes which ticket
 * when; a cancelled ticket gives up its place; nothing waits.
 */
class CommitSequencerTests {

	private final List<Runnable> released = new ArrayList<>();

	private final CommitSequencer sequencer = new CommitSequencer(this.released::add);

	@Test
	void aTicketClosedLaterHoldsBackTheTicketsBehindIt() {
		Runnable first = () -> { };
		Runnable second = () -> { };
		Ticket one = this.sequencer.reserve();
		Ticket two = this.sequencer.reserve();
		two.add(second);
		two.close(true);
		assertThat(this.released).isEmpty();
		assertThat(this.sequencer.pending()).isEqualTo(2);
		one.add(first);
		one.close(true);
		assertThat(this.released).containsExactly(first, second);
		assertThat(this.sequencer.pending()).isZero();
	}

	@Test
	void aCancelledTicketGivesUpItsPlaceAndDropsItsTasks() {
		Runnable dropped = () -> { };
		Runnable kept = () -> { };
		Ticket rolledBack = this.sequencer.reserve();
		Ticket committed = this.sequencer.reserve();
		committed.add(kept);
		committed.close(true);
		rolledBack.add(dropped);
		rolledBack.close(false);
		assertThat(this.released).containsExactly(kept);
	}

	@Test
	void aTaskSubmittedWithoutATicketQueuesBehindOpenTickets() {
		Runnable reserved = () -> { };
		Runnable direct = () -> { };
		Ticket open = this.sequencer.reserve();
		this.sequencer.submit(direct);
		assertThat(this.released).isEmpty();
		open.add(reserved);
		open.close(true);
		assertThat(this.released).containsExactly(reserved, direct);
	}

	@Test
	void aReleaseThatThrowsDoesNotStopTheLine() {
		List<Runnable> out = new ArrayList<>();
		Runnable bad = () -> { };
		Runnable good = () -> { };
		CommitSequencer failing = new CommitSequencer((task) -> {
			if (task == bad) {
				throw new IllegalStateException("release failure on purpose");
			}
			out.add(task);
		});
		failing.submit(bad);
		failing.submit(good);
		assertThat(out).containsExactly(good);
		assertThat(failing.pending()).isZero();
	}

	@Test
	void concurrentThreadsReleaseInReservationOrderExactlyOnce() {
		int threads = 4;
		int perThread = 20_000;
		ConcurrentLinkedQueue<Long> out = new ConcurrentLinkedQueue<>();
		CommitSequencer concurrent = new CommitSequencer(Runnable::run);
		// A lock stands in for the database's row lock: reserving and numbering happen together, in order, while
		// closing happens outside it, in any order, as after-commit callbacks do.
		Object rowLock = new Object();
		AtomicLong next = new AtomicLong();
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			CyclicBarrier start = new CyclicBarrier(threads);
			CountDownLatch done = new CountDownLatch(threads);
			for (int t = 0; t < threads; t++) {
				Thread thread = new Thread(() -> {
					try {
						start.await();
						for (int i = 0; i < perThread; i++) {
							Ticket ticket;
							long number;
							synchronized (rowLock) {
								number = next.getAndIncrement();
								ticket = concurrent.reserve();
							}
							if ((number & 7) == 0) {
								Thread.yield();
							}
							if (number % 10 == 3) {
								ticket.close(false);
							}
							else {
								ticket.add(() -> out.add(number));
								ticket.close(true);
							}
						}
					}
					catch (Exception ex) {
						throw new IllegalStateException(ex);
					}
					finally {
						done.countDown();
					}
				}, "sequencer-test-" + t);
				thread.setDaemon(true);
				thread.start();
			}
			done.await();
		});
		List<Long> expected = new ArrayList<>();
		for (long number = 0; number < (long) threads * perThread; number++) {
			if (number % 10 != 3) {
				expected.add(number);
			}
		}
		assertThat(out).containsExactlyElementsOf(expected);
		assertThat(concurrent.pending()).isZero();
	}

}
