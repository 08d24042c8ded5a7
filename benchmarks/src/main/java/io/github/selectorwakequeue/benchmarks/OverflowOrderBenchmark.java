package io.github.selectorwakequeue.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.autoconfigure.SelectorWakeQueueAutoConfiguration;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/**
 * Issue 21's overflow burst: 4 publishers publish 100,000 events as fast as they can into a queue of capacity 64,
 * to a quick listener and one that takes 50 µs. Measured: until both listeners had every event. Counted: calls of a
 * listener that overlapped another call of the same listener, and events a listener got out of its publisher's
 * order (each publisher's sequence must arrive in order), per listener, summed; and the events delivered on a
 * publisher's thread.
 * <ul>
 * <li>{@code ordered}: the default, caller-runs, which now keeps a fan-out that finds the queue full in order behind
 * it ({@code lanes.max-backlog=100000}, so that the slow listener's 100,000 events fit);</li>
 * <li>{@code onPublisher}: the round-2 behaviour for comparison, an overflowing event delivered on its publisher's
 * thread at once: {@code overflow-policy=reject}, which Spring's routing delivers on the publisher as before, and
 * what caller-runs did up to round 2.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@Threads(1)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class OverflowOrderBenchmark {

	static final int PUBLISHERS = 4;

	static final int EVENTS = 100_000;

	static final long SLOW_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

	/** An event: its publisher and its place in that publisher's sequence. */
	public record Sequenced(int publisher, int sequence) {
	}

	@Param({ "ordered", "onPublisher" })
	public String overflow;

	private ConfigurableApplicationContext context;

	private Listeners listeners;

	@Setup(Level.Trial)
	public void start() {
		this.context = new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties("selector-wake-queue.capacity=64", "selector-wake-queue.lanes.max-backlog=100000",
					"selector-wake-queue.overflow-policy=" + ("ordered".equals(this.overflow) ? "caller-runs" : "reject"))
			.run();
		this.listeners = this.context.getBean(Listeners.class);
	}

	@TearDown(Level.Trial)
	public void stop() {
		System.out.printf("%n[%s] %s%n", this.overflow, this.context.getBean(SelectorWakeQueue.class).stats());
		this.context.close();
	}

	@Setup(Level.Invocation)
	public void reset() {
		this.listeners.reset();
	}

	/** What the burst did to order and to one-call-at-a-time, read after it. */
	@State(Scope.Thread)
	@AuxCounters(AuxCounters.Type.EVENTS)
	public static class Order {

		public long overlapping;

		public long outOfOrder;

		public long onPublishers;

		@TearDown(Level.Invocation)
		public void record(OverflowOrderBenchmark benchmark) {
			Listeners listeners = benchmark.listeners;
			this.overlapping = listeners.quick.overlapping.get() + listeners.slow.overlapping.get();
			this.outOfOrder = listeners.quick.outOfOrder.get() + listeners.slow.outOfOrder.get();
			this.onPublishers = listeners.onPublishers.get();
		}

	}

	@Benchmark
	public void burst(Order order) throws InterruptedException {
		List<Thread> publishers = new ArrayList<>();
		for (int p = 0; p < PUBLISHERS; p++) {
			int publisher = p;
			Thread thread = new Thread(() -> {
				for (int i = 0; i < EVENTS / PUBLISHERS; i++) {
					this.context.publishEvent(new Sequenced(publisher, i));
				}
			}, "publisher-" + p);
			thread.start();
			publishers.add(thread);
		}
		for (Thread publisher : publishers) {
			publisher.join();
		}
		this.listeners.done.await(120, TimeUnit.SECONDS);
	}

	/** The quick and the slow listener, each written trusting one call at a time, in publish order. */
	public static class Listeners {

		final Tally quick = new Tally(0);

		final Tally slow = new Tally(SLOW_NANOS);

		final AtomicInteger onPublishers = new AtomicInteger();

		volatile CountDownLatch done = new CountDownLatch(0);

		private final AtomicInteger left = new AtomicInteger();

		void reset() {
			this.quick.reset();
			this.slow.reset();
			this.onPublishers.set(0);
			this.left.set(2 * EVENTS);
			this.done = new CountDownLatch(1);
		}

		@EventListener
		public void onQuick(Sequenced event) {
			received(this.quick, event);
		}

		@EventListener
		public void onSlow(Sequenced event) {
			received(this.slow, event);
		}

		private void received(Tally tally, Sequenced event) {
			tally.receive(event);
			if (Thread.currentThread().getName().startsWith("publisher-")) {
				this.onPublishers.incrementAndGet();
			}
			if (this.left.decrementAndGet() == 0) {
				this.done.countDown();
			}
		}

	}

	/** One listener's view: the next sequence expected from each publisher, and whether calls overlapped. */
	static final class Tally {

		private final long workNanos;

		private final int[] next = new int[PUBLISHERS];

		private final AtomicInteger inside = new AtomicInteger();

		final AtomicInteger overlapping = new AtomicInteger();

		final AtomicInteger outOfOrder = new AtomicInteger();

		Tally(long workNanos) {
			this.workNanos = workNanos;
		}

		void reset() {
			java.util.Arrays.fill(this.next, 0);
			this.overlapping.set(0);
			this.outOfOrder.set(0);
		}

		void receive(Sequenced event) {
			if (this.inside.incrementAndGet() != 1) {
				this.overlapping.incrementAndGet();
			}
			if (this.next[event.publisher()] != event.sequence()) {
				this.outOfOrder.incrementAndGet();
			}
			this.next[event.publisher()] = event.sequence() + 1;
			if (this.workNanos > 0) {
				LockSupport.parkNanos(this.workNanos);
			}
			this.inside.decrementAndGet();
		}

	}

	/** Ours, with the auto-configuration. */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(SelectorWakeQueueAutoConfiguration.class)
	static class Application {

		@Bean
		Listeners listeners() {
			return new Listeners();
		}

	}

}
