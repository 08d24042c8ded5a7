package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Under caller-runs, a fan-out that finds the queue full waits in order behind it instead of running on its
 * publisher's thread: each lane still gets every event once, in each publisher's order, one call at a time, until
 * the lane's own backlog limit is reached; only then does the policy apply.
 */
class OrderedOverflowTests {

	private SelectorWakeQueue queue;

	@AfterEach
	void close() {
		QueueTestSupport.closeQuietly(this.queue);
	}

	@Test
	void aBurstThatOverflowsASmallQueueKeepsEveryListenersOrderAndOneCallAtATime() {
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			this.queue = SelectorWakeQueue.builder().name("ordered-overflow").capacity(64)
				.laneThresholds(Duration.ofNanos(250_000), Duration.ofSeconds(10), 16, 100_000)
				.build();
			this.queue.start();
			int publishers = 4;
			int perPublisher = 5_000;
			Listener quick = new Listener(this.queue.lane("quick"), publishers, 0);
			Listener slow = new Listener(this.queue.lane("slow"), publishers, 20);
			List<Thread> threads = new ArrayList<>();
			for (int p = 0; p < publishers; p++) {
				int publisher = p;
				threads.add(QueueTestSupport.start("publisher-" + p, () -> {
					for (int i = 0; i < perPublisher; i++) {
						this.queue.execute(new Event(publisher, i, quick, slow));
					}
				}));
			}
			threads.forEach(QueueTestSupport::join);
			assertThat(this.queue.awaitQuiescence(Duration.ofSeconds(40))).isTrue();
			Stats stats = this.queue.stats();
			assertThat(stats.overflowed()).as("the burst overflowed the queue").isPositive();
			assertThat(stats.callerRuns()).as("nothing ran on a publisher").isZero();
			for (Listener listener : List.of(quick, slow)) {
				assertThat(listener.received).hasValue(publishers * perPublisher);
				assertThat(listener.outOfOrder).as("out of order").hasValue(0);
				assertThat(listener.overlapping).as("overlapping calls").hasValue(0);
				assertThat(listener.count).as("a plain ++count").isEqualTo(publishers * perPublisher);
			}
			assertThat(stats.enqueued()).isEqualTo(stats.dispatched());
		});
	}

	@Test
	void onceALanesBacklogLimitIsReachedTheOverflowPolicyApplies() {
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			this.queue = SelectorWakeQueue.builder().name("overflow-limit").capacity(8)
				.laneThresholds(Duration.ofNanos(50_000), Duration.ofSeconds(10), 4, 16)
				.build();
			this.queue.start();
			Listener slow = new Listener(this.queue.lane("slow"), 1, 200);
			for (int i = 0; i < 500; i++) {
				this.queue.execute(new Event(0, i, slow));
			}
			assertThat(this.queue.awaitQuiescence(Duration.ofSeconds(40))).isTrue();
			Stats stats = this.queue.stats();
			assertThat(slow.received).hasValue(500);
			assertThat(stats.overflowed()).isPositive();
			assertThat(stats.callerRuns()).as("past the lane's limit, caller-runs").isPositive();
		});
	}

	@Test
	void offerInOrderKeepsAFanOutBehindAFullQueueAndRefusesItPastItsLanesLimitWithoutRunningIt() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			this.queue = SelectorWakeQueue.builder().name("offer-in-order").capacity(2).overflowPolicy(OverflowPolicy.REJECT)
				.laneThresholds(Duration.ofMillis(10), Duration.ofSeconds(10), 4, 3)
				.build(); // not started: nothing leaves the ring
			Listener listener = new Listener(this.queue.lane("listener"), 1, 0);
			int accepted = 0;
			for (int i = 0; i < 10; i++) {
				if (this.queue.offerInOrder(new Event(0, i, listener))) {
					accepted++;
				}
			}
			assertThat(accepted).as("2 in the ring, 3 behind it (the lane's limit)").isEqualTo(5);
			assertThat(listener.received).as("nothing ran on the caller").hasValue(0);
			assertThat(this.queue.stats().overflowed()).isEqualTo(3);
			this.queue.start();
			assertThat(this.queue.awaitQuiescence(Duration.ofSeconds(10))).isTrue();
			assertThat(listener.received).hasValue(5);
			assertThat(listener.outOfOrder).hasValue(0);
		});
	}

	/** A fan-out carrying a publisher's sequence number to each listener. */
	record Event(int publisher, int sequence, Listener... listeners) implements FanOut {

		@Override
		public int parts() {
			return this.listeners.length;
		}

		@Override
		public Lane lane(int index) {
			return this.listeners[index].lane;
		}

		@Override
		public void runPart(int index) {
			this.listeners[index].receive(this.publisher, this.sequence);
		}

	}

	/** Written as README's example suggests: a plain counter, trusting one call at a time, in order. */
	static final class Listener {

		final Lane lane;

		private final int[] next;

		private final long workNanos;

		final AtomicInteger received = new AtomicInteger();

		final AtomicInteger outOfOrder = new AtomicInteger();

		final AtomicInteger overlapping = new AtomicInteger();

		private final AtomicInteger inside = new AtomicInteger();

		int count;

		Listener(Lane lane, int publishers, long workMicros) {
			this.lane = lane;
			this.next = new int[publishers];
			this.workNanos = TimeUnit.MICROSECONDS.toNanos(workMicros);
		}

		void receive(int publisher, int sequence) {
			if (this.inside.incrementAndGet() != 1) {
				this.overlapping.incrementAndGet();
			}
			if (this.next[publisher] != sequence) {
				this.outOfOrder.incrementAndGet();
			}
			this.next[publisher] = sequence + 1;
			int before = this.count;
			if (this.workNanos > 0) {
				LockSupport.parkNanos(this.workNanos);
			}
			this.count = before + 1;
			this.received.incrementAndGet();
			this.inside.decrementAndGet();
		}

	}

}
