package io.github.selectorwakequeue.spring.event;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.autoconfigure.SelectorWakeQueueAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.event.EventListener;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.context.annotation.RequestScope;
import org.springframework.web.context.annotation.SessionScope;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Listeners that need the publisher's thread stay on it, with Spring's semantics: those of request- and
 * session-scoped beans (the scope exists only on the thread serving the request), those marked
 * {@link PublisherThread @PublisherThread}, and those listed in
 * {@code selector-wake-queue.events.publisher-thread-listeners}; every other listener of the same event still runs
 * on the queue.
 */
@ExtendWith(OutputCaptureExtension.class)
class PublisherThreadListenerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SelectorWakeQueueAutoConfiguration.class))
		.withBean(Threads.class);

	@Test
	void listenersOfRequestAndSessionScopedBeansRunOnThePublishersThreadInsideTheRequest() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SelectorWakeQueueAutoConfiguration.class))
			.withBean(Threads.class)
			.withUserConfiguration(ScopedListenersConfiguration.class)
			.run((context) -> {
				Threads threads = context.getBean(Threads.class);
				RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(new MockHttpServletRequest()));
				try {
					context.publishEvent(new Ping("in a request"));
				}
				finally {
					RequestContextHolder.resetRequestAttributes();
				}
				assertThat(threads.ranOn).containsEntry("request", Thread.currentThread())
					.containsEntry("session", Thread.currentThread());
				await().atMost(TIMEOUT).until(() -> threads.ranOn.containsKey("plain"));
				assertThat(context.getBean(SelectorWakeQueue.class).lanes()).extracting(Object::toString)
					.noneMatch((lane) -> lane.contains("Scoped"));
			});
	}

	@Test
	void anAnnotatedListenerRunsOnThePublishersThreadAndItsExceptionReachesThePublisher() {
		this.runner.withUserConfiguration(AnnotatedListenersConfiguration.class).run((context) -> {
			Threads threads = context.getBean(Threads.class);
			context.publishEvent(new Ping("annotated"));
			assertThat(threads.ranOn).containsEntry("annotated method", Thread.currentThread())
				.containsEntry("annotated class", Thread.currentThread());
			await().atMost(TIMEOUT).until(() -> threads.ranOn.containsKey("plain"));
			assertThat(threads.ranOn.get("plain")).isNotSameAs(Thread.currentThread());
			assertThatIllegalStateException().isThrownBy(() -> context.publishEvent(new Failing("to the publisher")))
				.withMessage("failing to the publisher");
		});
	}

	@Test
	void aListenerListedInThePropertyRunsOnThePublishersThread() {
		this.runner.withBean(PlainListeners.class)
			.withPropertyValues("selector-wake-queue.events.publisher-thread-listeners=PlainListeners.listed(Ping)")
			.run((context) -> {
				Threads threads = context.getBean(Threads.class);
				context.publishEvent(new Ping("listed"));
				assertThat(threads.ranOn).containsEntry("listed", Thread.currentThread());
				await().atMost(TIMEOUT).until(() -> threads.ranOn.containsKey("plain"));
				assertThat(threads.ranOn.get("plain")).isNotSameAs(Thread.currentThread());
			});
	}

	@Test
	void startUpLogsOneLineSayingWhereTheListenersRunWithoutCreatingALazyOne(CapturedOutput output) {
		this.runner.withUserConfiguration(AnnotatedListenersConfiguration.class, LazyListenerConfiguration.class)
			.withPropertyValues("selector-wake-queue.events.publisher-thread-listeners=noSuchListener")
			.run((context) -> {
				assertThat(context.getBeanFactory().containsSingleton("lazyListeners")).isFalse();
				List<String> lines = output.getOut().lines().filter((line) -> line.contains("Application events of context")).toList();
				assertThat(lines).singleElement().satisfies((line) -> assertThat(line).contains(" INFO ")
					.contains("3 listeners on the queue")
					.contains("3 on the publisher's thread (3 @PublisherThread)")
					.contains("GET /actuator/wakequeue lists them"));
				assertThat(output.getOut()).contains("publisher-thread-listeners names no listener")
					.contains("[noSuchListener]");
				List<RoutedListener> listeners = context.getBean(EventRoutingStatus.class).listeners();
				assertThat(listeners).contains(
						new RoutedListener("AnnotatedMethod.onPing(Ping)", "annotatedMethod", RoutedListener.PUBLISHER,
								PublisherThreadListeners.Reasons.ANNOTATED),
						new RoutedListener("LazyListeners.onPing(Ping)", "lazyListeners", RoutedListener.QUEUE, null));
			});
	}

	record Ping(String text) {
	}

	record Failing(String text) {
	}

	/** Where each listener ran last. */
	static class Threads {

		final Map<String, Thread> ranOn = new ConcurrentHashMap<>();

		void ran(String listener) {
			this.ranOn.put(listener, Thread.currentThread());
		}

	}

	static class PlainListeners {

		private final Threads threads;

		PlainListeners(Threads threads) {
			this.threads = threads;
		}

		@EventListener
		void plain(Ping ping) {
			this.threads.ran("plain");
		}

		@EventListener
		void listed(Ping ping) {
			this.threads.ran("listed");
		}

	}

	/** One class, a bean of it in each scope: which thread a listener runs on depends on its bean's scope. */
	static class ScopedListener {

		private final Threads threads;

		private final String scope;

		ScopedListener(Threads threads, String scope) {
			this.threads = threads;
			this.scope = scope;
		}

		@EventListener
		public void onPing(Ping ping) {
			this.threads.ran(this.scope);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ScopedListenersConfiguration {

		@Bean
		@RequestScope
		ScopedListener requestScopedListener(Threads threads) {
			return new ScopedListener(threads, "request");
		}

		@Bean
		@SessionScope
		ScopedListener sessionScopedListener(Threads threads) {
			return new ScopedListener(threads, "session");
		}

		@Bean
		PlainListeners plainListeners(Threads threads) {
			return new PlainListeners(threads);
		}

	}

	static class AnnotatedMethod {

		private final Threads threads;

		AnnotatedMethod(Threads threads) {
			this.threads = threads;
		}

		@EventListener
		@PublisherThread
		void onPing(Ping ping) {
			this.threads.ran("annotated method");
		}

		@EventListener
		@PublisherThread
		void onFailing(Failing failing) {
			throw new IllegalStateException("failing " + failing.text());
		}

	}

	@PublisherThread
	static class AnnotatedClass implements org.springframework.context.ApplicationListener<org.springframework.context.PayloadApplicationEvent<Ping>> {

		private final Threads threads;

		AnnotatedClass(Threads threads) {
			this.threads = threads;
		}

		@Override
		public void onApplicationEvent(org.springframework.context.PayloadApplicationEvent<Ping> event) {
			this.threads.ran("annotated class");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AnnotatedListenersConfiguration {

		@Bean
		AnnotatedMethod annotatedMethod(Threads threads) {
			return new AnnotatedMethod(threads);
		}

		@Bean
		AnnotatedClass annotatedClass(Threads threads) {
			return new AnnotatedClass(threads);
		}

		@Bean
		PlainListeners plainListeners(Threads threads) {
			return new PlainListeners(threads);
		}

	}

	static class LazyListeners {

		@EventListener
		void onPing(Ping ping) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LazyListenerConfiguration {

		@Bean
		@Lazy
		LazyListeners lazyListeners() {
			return new LazyListeners();
		}

	}

}
