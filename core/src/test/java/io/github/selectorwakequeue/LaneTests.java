package io.github.selectorwakequeue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@link Lane}s: a quick lane runs on the reactor; a slow lane moves to a worker and comes back; a stuck part is
 * left on its thread while a new reactor carries on; every lane runs its parts one at a time, in order.
 */
class LaneTests {

	private SelectorWakeQueue queue;

	@AfterEach
	void close() {
		QueueTestSupport.closeQuietly(this.queue);
	}

	@Test
	void quickLanesRunInlineOnTheReactorInOrder() {
		assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
			this.queue = SelectorWakeQueue.builder().name("quick-lanes").build();
			this.queue.start();
			Recorder a = new Recorder(this.queue.lane("a"));
			Recorder b = new Recorder(this.queue.lane("b"));
			for (int i = 0; i < 10_000; i++) {
				this.queue.execute(new Event(i, a, b));
			}
			QueueTestSupport.awaitDrained(this.queue, Duration.ofSeconds(10));
			a.assertReceivedInOrder(10_000);
			b.assertReceivedInOrder(10_000);
			assertThat(a.offReactor).hasValue(0);
			assertThat(b.offReactor).hasValue(0);
			assertThat(this.queue.lane("a").stats().mode()).isEqualTo(Lane.Mode.ON_REACTOR);
			assertThat(this.queue.stats().reactorHandOffs()).isZero();
		});
	}

	@Test
	void aStuckLaneDelaysOnlyItselfAndCatchesUpInOrder() {
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			this.queue = SelectorWakeQueue.builder().name("stuck-lane")
				.laneThresholds(Duration.ofMillis(1), Duration.ofMillis(50), 4, 10_000)
				.build();
			this.queue.start();
			CountDownLatch blocked = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			Recorder stuck = new Recorder(this.queue.lane("stuck"), (number) -> {
				if (number == 0) {
					blocked.countDown();
					QueueTestSupport.awaitQuietly(release);
				}
			});
			Recorder quick1 = new Recorder(this.queue.lane("quick-1"));
			Recorder quick2 = new Recorder(this.queue.lane("quick-2"));
			Thread firstReactor = this.queue.reactorThread().orElseThrow();
			this.queue.execute(new Event(0, stuck, quick1, quick2));
			assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
			for (int i = 1; i < 1_000; i++) {
				this.queue.execute(new Event(i, stuck, quick1, quick2));
			}
			await().atMost(Duration.ofSeconds(20)).until(() -> quick1.count() == 1_000 && quick2.count() == 1_000);
			quick1.assertReceivedInOrder(1_000);
			quick2.assertReceivedInOrder(1_000);
			assertThat(stuck.count()).as("the stuck lane is still in its first part").isZero();
			assertThat(this.queue.lane("stuck").stats().mode()).isEqualTo(Lane.Mode.STUCK);
			assertThat(this.queue.lane("stuck").stats().runningThread()).isSameAs(firstReactor);
			CountDownLatch plainTask = new CountDownLatch(1);
			this.queue.execute(plainTask::countDown);
			assertThat(plainTask.await(5, TimeUnit.SECONDS)).as("a plain task runs while the lane is stuck").isTrue();
			assertThat(this.queue.stats().reactorHandOffs()).isEqualTo(1);
			assertThat(this.queue.reactorThread()).isNotEqualTo(java.util.Optional.of(firstReactor));

			release.countDown();
			await().atMost(Duration.ofSeconds(20)).until(() -> stuck.count() == 1_000);
			stuck.assertReceivedInOrder(1_000);
			// afterwards the quick lanes still run on the (new) reactor
			Recorder after = new Recorder(this.queue.lane("quick-1"));
			this.queue.execute(new Event(0, after));
			QueueTestSupport.awaitDrained(this.queue, Duration.ofSeconds(10));
			assertThat(after.count()).isEqualTo(1);
			assertThat(after.offReactor).hasValue(0);
		});
	}

	@Test
	void aLaneThatWasStuckCountsItsCostAndShowsAsStuckAgainWhenAPartHangsOnAWorker() {
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			this.queue = SelectorWakeQueue.builder().name("stuck-twice")
				.laneThresholds(Duration.ofMillis(1), Duration.ofMillis(50), 4, 10_000)
				.build();
			this.queue.start();
			List<CountDownLatch> blocked = List.of(new CountDownLatch(1), new CountDownLatch(1));
			List<CountDownLatch> release = List.of(new CountDownLatch(1), new CountDownLatch(1));
			Recorder stalls = new Recorder(this.queue.lane("stalls"), (number) -> {
				blocked.get(number).countDown();
				QueueTestSupport.awaitQuietly(release.get(number));
			});
			Lane lane = this.queue.lane("stalls");
			this.queue.execute(new Event(0, stalls));
			assertThat(blocked.get(0).await(10, TimeUnit.SECONDS)).isTrue();
			await().atMost(Duration.ofSeconds(20)).until(() -> lane.stats().mode() == Lane.Mode.STUCK);
			release.get(0).countDown();
			await().atMost(Duration.ofSeconds(20)).until(() -> stalls.count() == 1 && lane.stats().runningThread() == null);
			assertThat(lane.stats().mode()).as("slow since it was stuck").isEqualTo(Lane.Mode.ON_WORKER);
			assertThat(lane.stats().cost()).as("the stuck part counts, though it was the lane's first")
				.isGreaterThanOrEqualTo(Duration.ofMillis(50));

			this.queue.execute(new Event(1, stalls));
			assertThat(blocked.get(1).await(10, TimeUnit.SECONDS)).isTrue();
			await().atMost(Duration.ofSeconds(20)).until(() -> lane.stats().mode() == Lane.Mode.STUCK);
			assertThat(lane.stats().runningThread()).isNotNull();
			assertThat(this.queue.stats().reactorHandOffs()).as("on a worker: no hand-off needed").isEqualTo(1);
			release.get(1).countDown();
			await().atMost(Duration.ofSeconds(20)).until(() -> stalls.count() == 2 && lane.stats().mode() == Lane.Mode.ON_WORKER);
			stalls.assertReceivedInOrder(2);
		});
	}

	@Test
	void theQueueCountsAsRunningWhileTheSpareReactorOfAHandOffIsStarting() {
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			CountDownLatch startCalled = new CountDownLatch(1);
			CountDownLatch letStart = new CountDownLatch(1);
			AtomicInteger threads = new AtomicInteger();
			this.queue = SelectorWakeQueue.builder().name("slow-start")
				.laneThresholds(Duration.ofMillis(1), Duration.ofMillis(50), 4, 10_000)
				.threadFactory((task) -> new Thread(task, "slow-start-" + threads.incrementAndGet()) {
					@Override
					public synchronized void start() {
						if (threads.get() == 2) { // the spare for a hand-off: slow to start, as on a loaded machine
							startCalled.countDown();
							QueueTestSupport.awaitQuietly(letStart);
						}
						super.start();
					}
				})
				.build();
			this.queue.start();
			CountDownLatch release = new CountDownLatch(1);
			Recorder stuck = new Recorder(this.queue.lane("stuck"), (number) -> QueueTestSupport.awaitQuietly(release));
			this.queue.execute(new Event(0, stuck));
			assertThat(startCalled.await(20, TimeUnit.SECONDS)).isTrue();
			assertThat(this.queue.stats().running()).as("a reactor is being started, none has died").isTrue();
			letStart.countDown();
			// the spare is ready only now: the hand-off happens then (a hand-off starts no thread of its own)
			await().atMost(Duration.ofSeconds(20)).until(() -> this.queue.stats().reactorHandOffs() == 1);
			assertThat(this.queue.stats().running()).isTrue();
			release.countDown();
			await().atMost(Duration.ofSeconds(20)).until(() -> stuck.count() == 1);
			assertThat(this.queue.stats().running()).isTrue();
			assertThat(this.queue.stats().reactorHandOffs()).isEqualTo(1);
		});
	}

	@Test
	void aSteadilySlowLaneMovesToAWorkerAndBackWhenQuickAgain() {
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			this.queue = SelectorWakeQueue.builder().name("slow-lane")
				.laneThresholds(Duration.ofMillis(1).dividedBy(4), Duration.ofSeconds(10), 4, 10_000)
				.build();
			this.queue.start();
			AtomicBoolean slowIo = new AtomicBoolean(true);
			Recorder slow = new Recorder(this.queue.lane("slow"), (number) -> {
				if (slowIo.get()) {
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // a millisecond of blocking I/O
				}
			});
			Recorder quick = new Recorder(this.queue.lane("quick"));
			for (int i = 0; i < 200; i++) {
				this.queue.execute(new Event(i, slow, quick));
			}
			await().atMost(Duration.ofSeconds(20)).until(() -> quick.count() == 200);
			assertThat(this.queue.lane("slow").stats().mode()).isEqualTo(Lane.Mode.ON_WORKER);
			await().atMost(Duration.ofSeconds(20)).until(() -> slow.count() == 200);
			assertThat(slow.offReactor).as("parts the slow lane ran on a worker").hasValueGreaterThan(150);
			assertThat(quick.offReactor).hasValue(0);

			slowIo.set(false);
			int total = 200;
			for (int round = 0; round < 50 && this.queue.lane("slow").stats().mode() != Lane.Mode.ON_REACTOR; round++) {
				for (int i = 0; i < 100; i++) {
					this.queue.execute(new Event(total++, slow, quick));
				}
				QueueTestSupport.awaitDrained(this.queue, Duration.ofSeconds(10));
				int expected = total;
				await().atMost(Duration.ofSeconds(10)).until(() -> slow.count() == expected);
			}
			assertThat(this.queue.lane("slow").stats().mode()).as("back on the reactor").isEqualTo(Lane.Mode.ON_REACTOR);
			slow.assertReceivedInOrder(total);
			quick.assertReceivedInOrder(total);
		});
	}

	@Test
	void everyLaneKeepsItsOrderUnderManyPublishersWithQuickAndSlowLanes() {
		assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
			this.queue = SelectorWakeQueue.builder().name("order").capacity(4096)
				.overflowPolicy(OverflowPolicy.REJECT)
				.laneThresholds(Duration.ofNanos(20_000), Duration.ofSeconds(10), 4, 100_000)
				.build();
			this.queue.start();
			int publishers = 4;
			int perPublisher = 50_000;
			List<PerPublisherRecorder> recorders = new ArrayList<>();
			for (int l = 0; l < 4; l++) {
				boolean slow = l % 2 == 1;
				recorders.add(new PerPublisherRecorder(this.queue.lane("lane-" + l), publishers, slow));
			}
			List<Thread> threads = new ArrayList<>();
			for (int p = 0; p < publishers; p++) {
				int publisher = p;
				threads.add(QueueTestSupport.start("publisher-" + p, () -> {
					for (int i = 0; i < perPublisher; i++) {
						PublisherEvent event = new PublisherEvent(publisher, i, recorders);
						while (!this.queue.offer(event)) {
							Thread.onSpinWait();
						}
					}
				}));
			}
			threads.forEach(QueueTestSupport::join);
			await().atMost(Duration.ofSeconds(100))
				.until(() -> recorders.stream().allMatch((r) -> r.received.get() == publishers * perPublisher));
			for (PerPublisherRecorder recorder : recorders) {
				assertThat(recorder.outOfOrder).as(recorder.lane.name()).hasValue(0);
				assertThat(recorder.concurrent).as(recorder.lane.name()).hasValue(0);
			}
			assertThat(recorders.get(1).offReactor).as("a slow lane ran on workers").hasValueGreaterThan(0);
			// quick again and caught up, the slow lanes come back to the reactor with the next parts
			int sequence = perPublisher;
			for (int round = 0; round < 100 && recorders.get(1).lane.stats().mode() != Lane.Mode.ON_REACTOR; round++) {
				this.queue.execute(new PublisherEvent(0, sequence++, recorders));
				QueueTestSupport.awaitDrained(this.queue, Duration.ofSeconds(10));
			}
			assertThat(recorders.get(1).lane.stats().mode()).as("back on the reactor").isEqualTo(Lane.Mode.ON_REACTOR);
			for (PerPublisherRecorder recorder : recorders) {
				assertThat(recorder.outOfOrder).as(recorder.lane.name()).hasValue(0);
			}
		});
	}

	@Test
	void closeWithLanesBusyReturnsEveryPartThatDidNotRunInLaneOrder() {
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			this.queue = SelectorWakeQueue.builder().name("close-lanes")
				.laneThresholds(Duration.ofMillis(1), Duration.ofMillis(50), 4, 10_000)
				.build();
			this.queue.start();
			CountDownLatch blocked = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			Recorder stuck = new Recorder(this.queue.lane("stuck"), (number) -> {
				if (number == 0) {
					blocked.countDown();
					QueueTestSupport.awaitQuietly(release);
				}
			});
			Recorder quick = new Recorder(this.queue.lane("quick"));
			this.queue.execute(new Event(0, stuck, quick));
			assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
			for (int i = 1; i < 500; i++) {
				this.queue.execute(new Event(i, stuck, quick));
			}
			List<Runnable> notRun = this.queue.close(Duration.ofMillis(300));
			release.countDown();
			quick.assertReceivedInOrder(500);
			// the stuck lane's part 0 ran (it was running); parts 1..499 come back, in order, and run once here
			assertThat(notRun).allSatisfy((task) -> assertThat(task).isInstanceOf(LanePart.class));
			List<Integer> returned = new ArrayList<>();
			for (Runnable task : notRun) {
				returned.add(((Event) ((LanePart) task).fanOut()).number);
			}
			assertThat(returned).isSorted().doesNotHaveDuplicates().hasSize(499);
			notRun.forEach(Runnable::run);
			await().atMost(Duration.ofSeconds(10)).until(() -> stuck.count() == 500);
			stuck.assertReceivedInOrder(500);
		});
	}

	@Test
	void strictSingleThreadDeliveryKeepsEveryPartOnTheReactor() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			this.queue = SelectorWakeQueue.builder().name("strict").lanes(false)
				.laneThresholds(Duration.ofNanos(1), Duration.ofMillis(1), 4, 10_000)
				.build();
			this.queue.start();
			Recorder slow = new Recorder(this.queue.lane("slow"),
					(number) -> LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)));
			Recorder quick = new Recorder(this.queue.lane("quick"));
			for (int i = 0; i < 50; i++) {
				this.queue.execute(new Event(i, slow, quick));
			}
			QueueTestSupport.awaitDrained(this.queue, Duration.ofSeconds(20));
			slow.assertReceivedInOrder(50);
			quick.assertReceivedInOrder(50);
			assertThat(slow.offReactor).hasValue(0);
			assertThat(this.queue.lane("slow").stats().mode()).isEqualTo(Lane.Mode.ON_REACTOR);
			assertThat(this.queue.stats().reactorHandOffs()).isZero();
		});
	}

	@Test
	void aLaneThatFallsFarBehindHoldsTheReactorBackAndLosesNothing() {
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			this.queue = SelectorWakeQueue.builder().name("backpressure").capacity(64)
				.laneThresholds(Duration.ofNanos(1_000), Duration.ofSeconds(10), 2, 8)
				.build();
			this.queue.start();
			AtomicInteger deepest = new AtomicInteger();
			Lane slowLane = this.queue.lane("slow");
			Recorder slow = new Recorder(slowLane, (number) -> {
				deepest.accumulateAndGet(slowLane.stats().depth(), Math::max);
				LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
			});
			Recorder quick = new Recorder(this.queue.lane("quick"));
			for (int i = 0; i < 2_000; i++) {
				this.queue.execute(new Event(i, slow, quick)); // caller-runs when the queue fills
			}
			await().atMost(Duration.ofSeconds(50)).until(() -> slow.count() + quick.count() >= 4_000);
			assertThat(deepest.get()).as("backlog depth").isLessThanOrEqualTo(8);
			assertThat(slow.count()).isEqualTo(2_000);
			assertThat(quick.count()).isEqualTo(2_000);
		});
	}

	/** A fan-out whose part i tells recorder i the event's number. */
	static final class Event implements FanOut {

		final int number;

		private final Recorder[] recorders;

		Event(int number, Recorder... recorders) {
			this.number = number;
			this.recorders = recorders;
		}

		@Override
		public int parts() {
			return this.recorders.length;
		}

		@Override
		public Lane lane(int index) {
			return this.recorders[index].lane;
		}

		@Override
		public void runPart(int index) {
			this.recorders[index].receive(this.number);
		}

	}

	/** What one lane received: numbers in order, off the reactor or not, never two at once. */
	final class Recorder {

		final Lane lane;

		private final IntConsumer work;

		private final List<Integer> received = java.util.Collections.synchronizedList(new ArrayList<>());

		final AtomicInteger offReactor = new AtomicInteger();

		private final AtomicInteger running = new AtomicInteger();

		final AtomicInteger concurrent = new AtomicInteger();

		Recorder(Lane lane) {
			this(lane, (number) -> {
			});
		}

		Recorder(Lane lane, IntConsumer work) {
			this.lane = lane;
			this.work = work;
		}

		void receive(int number) {
			if (this.running.incrementAndGet() != 1) {
				this.concurrent.incrementAndGet();
			}
			try {
				if (!LaneTests.this.queue.isReactorThread()) {
					this.offReactor.incrementAndGet();
				}
				this.work.accept(number);
				this.received.add(number);
			}
			finally {
				this.running.decrementAndGet();
			}
		}

		int count() {
			return this.received.size();
		}

		void assertReceivedInOrder(int count) {
			List<Integer> expected = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				expected.add(i);
			}
			synchronized (this.received) {
				assertThat(this.received).containsExactlyElementsOf(expected);
			}
			assertThat(this.concurrent).hasValue(0);
		}

	}

	record PublisherEvent(int publisher, int sequence, List<PerPublisherRecorder> recorders) implements FanOut {

		@Override
		public int parts() {
			return this.recorders.size();
		}

		@Override
		public Lane lane(int index) {
			return this.recorders.get(index).lane;
		}

		@Override
		public void runPart(int index) {
			this.recorders.get(index).receive(this.publisher, this.sequence);
		}

	}

	/** Checks each publisher's sequence arrives in order at one lane, one part at a time. */
	final class PerPublisherRecorder {

		final Lane lane;

		private final int[] next;

		private final boolean slow;

		final AtomicInteger received = new AtomicInteger();

		final AtomicInteger outOfOrder = new AtomicInteger();

		final AtomicInteger concurrent = new AtomicInteger();

		final AtomicInteger offReactor = new AtomicInteger();

		private final AtomicInteger running = new AtomicInteger();

		PerPublisherRecorder(Lane lane, int publishers, boolean slow) {
			this.lane = lane;
			this.next = new int[publishers];
			this.slow = slow;
		}

		void receive(int publisher, int sequence) {
			if (this.running.incrementAndGet() != 1) {
				this.concurrent.incrementAndGet();
			}
			if (this.next[publisher] != sequence) {
				this.outOfOrder.incrementAndGet();
			}
			this.next[publisher] = sequence + 1;
			if (!LaneTests.this.queue.isReactorThread()) {
				this.offReactor.incrementAndGet();
			}
			if (this.slow && sequence % 10_000 < 100) {
				// bursts of slow parts: the lane moves to a worker and back, again and again, under load
				LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(30));
			}
			this.received.incrementAndGet();
			this.running.decrementAndGet();
		}

	}

}
