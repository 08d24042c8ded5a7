package io.github.selectorwakequeue.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import com.sun.management.OperatingSystemMXBean;
import io.github.selectorwakequeue.autoconfigure.SelectorWakeQueueAutoConfiguration;
import io.github.selectorwakequeue.autoconfigure.SelectorWakeQueueObservationAutoConfiguration;
import io.github.selectorwakequeue.benchmarks.SpringEventsBenchmark.CountingListener;
import io.github.selectorwakequeue.benchmarks.SpringEventsBenchmark.OrderPlaced;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
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
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What tracing costs per event delivered on the reactor: end-to-end events/s of one publisher pushing bursts of
 * 10,000 small events to one {@code @EventListener}, in a Boot context with observation, metrics
 * ({@code SimpleMeterRegistry}) and Brave tracing auto-configured (every trace sampled, spans finished but not
 * exported). {@code trace=none}: the publisher is in no observation (nothing to carry; the context is still
 * captured); {@code propagated}: the publisher is inside an observation with a span, restored around every listener
 * call (scope, current span, MDC); {@code span}: as {@code propagated}, with
 * {@code selector-wake-queue.events.observations.enabled=true}, so every delivery is also a child observation: a
 * span and a timer sample.
 *
 * <p>Throughput on a shared 2-core machine is noisy; each iteration therefore also prints the CPU time the whole
 * process spent per event (publisher, reactor, garbage collection and all; JMX process CPU time), which other load
 * inflates far less than wall-clock rates. Read the measurement iterations, not the warm-up ones (JIT). Lanes are
 * off, so the listener stays on the reactor whatever the load.
 */
@State(Scope.Benchmark)
@Threads(1)
public class DeliveryTracingBenchmark {

	static final int BURST = 10_000;

	@Param({ "none", "propagated", "span" })
	public String trace;

	private ConfigurableApplicationContext context;

	private CountingListener listener;

	private ObservationRegistry observations;

	private final OrderPlaced event = new OrderPlaced(42);

	private long published;

	private final OperatingSystemMXBean system = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

	private long cpuAtIterationStart;

	private long publishedAtIterationStart;

	@Setup(Level.Trial)
	public void start() {
		this.context = new SpringApplicationBuilder(TracedConfiguration.class).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			// Lanes off: a listener preempted by other load must not move to a worker mid-run (another code path).
			.properties("management.tracing.sampling.probability=1.0", "selector-wake-queue.lanes.enabled=false",
					"selector-wake-queue.events.observations.enabled=" + "span".equals(this.trace))
			.run();
		this.listener = this.context.getBean(CountingListener.class);
		this.observations = this.context.getBean(ObservationRegistry.class);
	}

	@TearDown(Level.Trial)
	public void stop() {
		this.context.close();
	}

	@Setup(Level.Iteration)
	public void markCpu() {
		this.cpuAtIterationStart = this.system.getProcessCpuTime();
		this.publishedAtIterationStart = this.published;
	}

	/** Runs after the last burst of the iteration was delivered (each invocation waits for its burst). */
	@TearDown(Level.Iteration)
	public void printCpu() {
		long events = this.published - this.publishedAtIterationStart;
		long cpu = this.system.getProcessCpuTime() - this.cpuAtIterationStart;
		System.out.printf(" [trace=%s: process CPU %.0f ns per event] ", this.trace, cpu / (double) Math.max(1, events));
	}

	@Benchmark
	@BenchmarkMode(Mode.Throughput)
	@OutputTimeUnit(TimeUnit.SECONDS)
	@OperationsPerInvocation(BURST)
	public void endToEnd() {
		if ("none".equals(this.trace)) {
			publishBurst();
		}
		else {
			// One publisher observation per burst: its cost is spread over 10,000 events.
			Observation.createNotStarted("bench.publish", this.observations).observe(this::publishBurst);
		}
		this.listener.awaitDelivered(this.published);
	}

	private void publishBurst() {
		for (int i = 0; i < BURST; i++) {
			this.context.publishEvent(this.event);
		}
		this.published += BURST;
	}

	/** Ours, with Boot's observation, metrics and Brave tracing auto-configuration. */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
			CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
			BraveAutoConfiguration.class, MicrometerTracingAutoConfiguration.class,
			SelectorWakeQueueAutoConfiguration.class, SelectorWakeQueueObservationAutoConfiguration.class })
	static class TracedConfiguration {

		@Bean
		CountingListener countingListener() {
			return new CountingListener();
		}

	}

}
