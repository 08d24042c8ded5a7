package io.github.selectorwakequeue.benchmarks;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
import org.springframework.context.event.SimpleApplicationEventMulticaster;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * Listener lanes, issue 14's scenarios, in one run for each multicaster:
 * <ul>
 * <li>{@code slow}: 300 events to four listeners that each do 1 ms of blocking I/O and two quick ones. The
 * measured time is until every listener had every event; the counters say when the quick ones were done
 * ({@code quickDoneMs}), the ideal ordered makespan ({@code idealMs}: the longest one listener spent in its own
 * I/O, since the I/O listeners may run in parallel with each other but each in order) and how many deliveries came
 * out of publish order ({@code outOfOrder}).</li>
 * <li>{@code stuck}: 1,000 events to a listener that blocks on its first event and two quick ones. The measured
 * time is until the quick listeners had every event; the blocked one is released then, or after
 * {@link #STUCK_CAP_MS} ms if the quick ones are still waiting (so strict delivery shows the cap).</li>
 * </ul>
 * Multicasters: ours with lanes ({@code swq}), ours with {@code lanes.enabled=false} ({@code strict}), and Spring's
 * {@link SimpleApplicationEventMulticaster} on an 8-thread {@link ThreadPoolTaskExecutor} ({@code pool8}, Boot's
 * default task-execution pool size).
 */
@State(Scope.Benchmark)
@Threads(1)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ListenerLanesBenchmark {

	static final int SLOW_EVENTS = 300;

	static final int STUCK_EVENTS = 1_000;

	static final long STUCK_CAP_MS = 1_000;

	static final long IO_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	/** The event: a sequence number. */
	public record Numbered(int number) {
	}

	@Param({ "swq", "strict", "pool8" })
	public String multicaster;

	@Param({ "slow", "stuck" })
	public String scenario;

	private ConfigurableApplicationContext context;

	private Listeners listeners;

	@Setup(Level.Trial)
	public void start() {
		SpringApplicationBuilder builder = new SpringApplicationBuilder(
				"pool8".equals(this.multicaster) ? PoolConfiguration.class : OursConfiguration.class)
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false);
		if ("strict".equals(this.multicaster)) {
			builder.properties("selector-wake-queue.lanes.enabled=false");
		}
		this.context = builder.run();
		this.listeners = this.context.getBean(Listeners.class);
	}

	@TearDown(Level.Trial)
	public void stop() {
		if (!"pool8".equals(this.multicaster)) {
			System.out.printf("%n[%s/%s] %s%n", this.multicaster, this.scenario,
					this.context.getBean(SelectorWakeQueue.class).stats());
		}
		this.context.close();
	}

	@Setup(Level.Invocation)
	public void reset() {
		this.listeners.reset("stuck".equals(this.scenario));
	}

	/** When the quick listeners and everything were done, the ideal makespan, and out-of-order deliveries. */
	@State(Scope.Thread)
	@AuxCounters(AuxCounters.Type.EVENTS)
	public static class Timings {

		public long quickDoneMs;

		public long allDoneMs;

		public long idealMs;

		public long outOfOrder;

		/** Lets everything finish before the next invocation (outside the measurement), then reads the times. */
		@TearDown(Level.Invocation)
		public void finish(ListenerLanesBenchmark benchmark) throws InterruptedException {
			Listeners listeners = benchmark.listeners;
			listeners.release.countDown();
			listeners.allDone.await(60, TimeUnit.SECONDS);
			record(listeners);
		}

		private void record(Listeners listeners) {
			this.quickDoneMs = TimeUnit.NANOSECONDS.toMillis(listeners.quickDoneAt - listeners.startedAt);
			this.allDoneMs = TimeUnit.NANOSECONDS.toMillis(listeners.allDoneAt - listeners.startedAt);
			this.idealMs = TimeUnit.NANOSECONDS.toMillis(listeners.longestIo());
			this.outOfOrder = listeners.outOfOrder.get();
		}

	}

	@Benchmark
	public void run(Timings timings) throws InterruptedException {
		Listeners listeners = this.listeners;
		int events = listeners.stuck ? STUCK_EVENTS : SLOW_EVENTS;
		listeners.startedAt = System.nanoTime();
		for (int i = 0; i < events; i++) {
			this.context.publishEvent(new Numbered(i));
		}
		if (listeners.stuck) {
			if (!listeners.quickDone.await(STUCK_CAP_MS, TimeUnit.MILLISECONDS)) {
				listeners.release.countDown(); // strict delivery: nothing moves until the stuck listener returns
			}
			listeners.quickDone.await(60, TimeUnit.SECONDS);
		}
		else {
			listeners.allDone.await(60, TimeUnit.SECONDS);
		}
	}

	/** Four I/O listeners and two quick ones (slow scenario), or one blocked and two quick ones (stuck scenario). */
	public static class Listeners {

		volatile boolean stuck;

		volatile long startedAt;

		volatile long quickDoneAt;

		volatile long allDoneAt;

		volatile CountDownLatch quickDone;

		volatile CountDownLatch allDone;

		volatile CountDownLatch release = new CountDownLatch(0);

		final AtomicInteger outOfOrder = new AtomicInteger();

		private final int[] next = new int[7];

		private final AtomicLong[] ioNanos = { new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong() };

		private final AtomicInteger quickLeft = new AtomicInteger();

		private final AtomicInteger allLeft = new AtomicInteger();

		void reset(boolean stuck) {
			this.stuck = stuck;
			int events = stuck ? STUCK_EVENTS : SLOW_EVENTS;
			int listeners = stuck ? 3 : 6;
			this.quickLeft.set(2 * events);
			this.allLeft.set(listeners * events);
			this.quickDone = new CountDownLatch(1);
			this.allDone = new CountDownLatch(1);
			this.release = new CountDownLatch(1);
			this.outOfOrder.set(0);
			java.util.Arrays.fill(this.next, 0);
			for (AtomicLong io : this.ioNanos) {
				io.set(0);
			}
		}

		long longestIo() {
			long longest = 0;
			for (AtomicLong io : this.ioNanos) {
				longest = Math.max(longest, io.get());
			}
			return longest;
		}

		private void received(int listener, Numbered event, boolean quick) {
			if (this.next[listener] != event.number()) {
				this.outOfOrder.incrementAndGet();
			}
			this.next[listener] = event.number() + 1;
			if (quick && this.quickLeft.decrementAndGet() == 0) {
				this.quickDoneAt = System.nanoTime();
				this.quickDone.countDown();
			}
			if (this.allLeft.decrementAndGet() == 0) {
				this.allDoneAt = System.nanoTime();
				this.allDone.countDown();
			}
		}

		private void io(int listener, Numbered event) {
			if (this.stuck) {
				return;
			}
			long start = System.nanoTime();
			LockSupport.parkNanos(IO_NANOS); // a millisecond of blocking I/O
			this.ioNanos[listener].addAndGet(System.nanoTime() - start);
			received(listener, event, false);
		}

		@EventListener
		public void quick1(Numbered event) {
			received(4, event, true);
		}

		@EventListener
		public void quick2(Numbered event) {
			received(5, event, true);
		}

		@EventListener
		public void io0(Numbered event) throws InterruptedException {
			if (this.stuck) {
				if (event.number() == 0) {
					this.release.await(60, TimeUnit.SECONDS);
				}
				received(6, event, false);
				return;
			}
			io(0, event);
		}

		@EventListener
		public void io1(Numbered event) {
			io(1, event);
		}

		@EventListener
		public void io2(Numbered event) {
			io(2, event);
		}

		@EventListener
		public void io3(Numbered event) {
			io(3, event);
		}

	}

	/** Ours, with the auto-configuration's defaults (lanes on unless the trial switches them off). */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(SelectorWakeQueueAutoConfiguration.class)
	static class OursConfiguration {

		@Bean
		Listeners listeners() {
			return new Listeners();
		}

	}

	/** Spring's multicaster on an 8-thread pool: every listener call is a task of its own. */
	@Configuration(proxyBeanMethods = false)
	static class PoolConfiguration {

		@Bean
		ThreadPoolTaskExecutor eventExecutor() {
			return SpringPoolMulticaster.executor(8, "bench-pool-");
		}

		@Bean(name = AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME)
		SimpleApplicationEventMulticaster applicationEventMulticaster(ThreadPoolTaskExecutor eventExecutor) {
			return SpringPoolMulticaster.on(eventExecutor);
		}

		@Bean
		Listeners listeners() {
			return new Listeners();
		}

	}

}
