package io.github.selectorwakequeue.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.Stats;
import io.github.selectorwakequeue.autoconfigure.SelectorWakeQueueAutoConfiguration;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
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
 * Spring level: what {@code publishEvent} of a small payload with one {@code @EventListener} costs the
 * publisher, and how many events per second reach the listener, with our multicaster (a Boot context with
 * our auto-configuration, with its defaults: 1 task in 64 timed into the timing relay, which has no receiver here
 * since the context has no meter registry; context propagation off, as without the context-propagation library,
 * which the jar holds for {@link DeliveryTracingBenchmark}) against Spring's
 * {@link SimpleApplicationEventMulticaster} with a one-thread {@link ThreadPoolTaskExecutor} (the usual way
 * to make listeners asynchronous while keeping their order), and against the synchronous
 * {@code SimpleApplicationEventMulticaster} with a no-op listener (Spring's own floor for a publish).
 * {@code publish}: ns per {@code publishEvent}, one publisher flat out (a steady stream; each iteration
 * ends by waiting for the listener to catch up); its {@code wakeups} counter gives our reactor's
 * wake-ups per event. {@code endToEnd}: events/s, bursts of 10,000 events, waiting until all were handled.
 */
@State(Scope.Benchmark)
@Threads(1)
public class SpringEventsBenchmark {

	static final int BURST = 10_000;

	/** The small event: a payload, published as Spring wraps it ({@code PayloadApplicationEvent}). */
	public record OrderPlaced(long orderId) {
	}

	@Param({ "swq", "tpe", "sync" })
	public String multicaster;

	private ConfigurableApplicationContext context;

	private CountingListener listener;

	private SelectorWakeQueue queue;

	private final OrderPlaced event = new OrderPlaced(42);

	private long published;

	@Setup(Level.Trial)
	public void start() {
		Class<?> configuration = switch (this.multicaster) {
			case "swq" -> OursConfiguration.class;
			case "tpe" -> ThreadPoolConfiguration.class;
			case "sync" -> SynchronousConfiguration.class;
			default -> throw new IllegalArgumentException("multicaster must be swq, tpe or sync, was " + this.multicaster);
		};
		this.context = new SpringApplicationBuilder(configuration).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties("selector-wake-queue.events.propagate-context=false")
			.run();
		this.listener = this.context.getBean(CountingListener.class);
		this.queue = "swq".equals(this.multicaster) ? this.context.getBean(SelectorWakeQueue.class) : null;
		Object used = this.context.getBean(AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME);
		System.out.println("[" + this.multicaster + "] applicationEventMulticaster is " + used.getClass().getName());
	}

	@TearDown(Level.Trial)
	public void stop() {
		if (this.queue != null) {
			Stats stats = this.queue.stats();
			System.out.printf("%n[%s] enqueued=%d callerRuns=%d wakeups=%d (%.2e per event)%n", stats.name(),
					stats.enqueued(), stats.callerRuns(), stats.wakeups(),
					stats.wakeups() / (double) Math.max(1, stats.enqueued()));
		}
		this.context.close();
	}

	/** Lets the listener catch up with everything published (outside the measurement). */
	@TearDown(Level.Iteration)
	public void drain() {
		this.listener.awaitDelivered(this.published);
	}

	/** Our reactor's wake-ups during the iteration, next to the event rate ({@code -1} rates for the others). */
	@State(Scope.Thread)
	@AuxCounters(AuxCounters.Type.OPERATIONS)
	public static class Wakeups {

		private long before;

		public long wakeups;

		@Setup(Level.Iteration)
		public void mark(SpringEventsBenchmark benchmark) {
			this.before = benchmark.wakeups();
		}

		@TearDown(Level.Iteration)
		public void count(SpringEventsBenchmark benchmark) {
			this.wakeups = benchmark.wakeups() - this.before;
		}

	}

	long wakeups() {
		return (this.queue != null) ? this.queue.stats().wakeups() : 0;
	}

	@Benchmark
	@BenchmarkMode(Mode.AverageTime)
	@OutputTimeUnit(TimeUnit.NANOSECONDS)
	public void publish(Wakeups wakeups) {
		this.published++;
		this.context.publishEvent(this.event);
	}

	@Benchmark
	@BenchmarkMode(Mode.Throughput)
	@OutputTimeUnit(TimeUnit.SECONDS)
	@OperationsPerInvocation(BURST)
	public void endToEnd(Wakeups wakeups) {
		for (int i = 0; i < BURST; i++) {
			this.context.publishEvent(this.event);
		}
		this.published += BURST;
		this.listener.awaitDelivered(this.published);
	}

	/** The one listener: counts deliveries and unparks the publisher waiting for a given count. */
	public static class CountingListener {

		private final AtomicLong delivered = new AtomicLong();

		private volatile long waitingFor = Long.MAX_VALUE;

		private volatile Thread waiter;

		@EventListener
		public void on(OrderPlaced order) {
			if (this.delivered.incrementAndGet() == this.waitingFor) {
				LockSupport.unpark(this.waiter);
			}
		}

		void awaitDelivered(long count) {
			if (this.delivered.get() >= count) {
				return;
			}
			this.waiter = Thread.currentThread();
			this.waitingFor = count;
			while (this.delivered.get() < count) {
				LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(1));
			}
			this.waitingFor = Long.MAX_VALUE;
		}

	}

	/** Ours: the auto-configuration's queue and multicaster, with its defaults. */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(SelectorWakeQueueAutoConfiguration.class)
	static class OursConfiguration {

		@Bean
		CountingListener countingListener() {
			return new CountingListener();
		}

	}

	/** Spring's multicaster with a one-thread executor: asynchronous listeners, in order. */
	@Configuration(proxyBeanMethods = false)
	static class ThreadPoolConfiguration {

		@Bean
		ThreadPoolTaskExecutor eventExecutor() {
			return SpringPoolMulticaster.executor(1, "bench-events-");
		}

		/** The executor is injected, not looked up per event: the fastest way to wire Spring's multicaster. */
		@Bean(name = AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME)
		SimpleApplicationEventMulticaster applicationEventMulticaster(ThreadPoolTaskExecutor eventExecutor) {
			return SpringPoolMulticaster.on(eventExecutor);
		}

		@Bean
		CountingListener countingListener() {
			return new CountingListener();
		}

	}

	/** Spring's multicaster without an executor: the listener runs on the publisher's thread. */
	@Configuration(proxyBeanMethods = false)
	static class SynchronousConfiguration {

		@Bean(name = AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME)
		static SimpleApplicationEventMulticaster applicationEventMulticaster() {
			return new SimpleApplicationEventMulticaster();
		}

		@Bean
		CountingListener countingListener() {
			return new CountingListener();
		}

	}

}
