package io.github.selectorwakequeue.spring.modulith;

import java.time.Duration;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.spring.event.EventRoutingStatus;
import io.github.selectorwakequeue.spring.modulith.ModulithTestApplication.Commits;
import io.github.selectorwakequeue.spring.modulith.ModulithTestApplication.Committed;
import io.github.selectorwakequeue.spring.modulith.ModulithTestApplication.Plain;
import io.github.selectorwakequeue.spring.modulith.ModulithTestApplication.Recorder;
import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.Advised;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.modulith.events.core.EventPublicationRegistry;
import org.springframework.modulith.events.support.PersistentApplicationEventMulticaster;
import org.springframework.scheduling.annotation.AsyncAnnotationAdvisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@code selector-wake-queue.events.modulith.enabled=false}: Modulith's own multicaster and Spring's {@code @Async}
 * executor, exactly as without the starter's composition, and the status says why events are not routed.
 */
@SpringBootTest(classes = ModulithTestApplication.class, webEnvironment = WebEnvironment.NONE,
		properties = "selector-wake-queue.events.modulith.enabled=false")
class ModulithSwitchOffTests {

	private static final Duration BOUND = Duration.ofSeconds(60);

	@Autowired
	private ApplicationContext context;

	@Autowired
	private ApplicationEventPublisher publisher;

	@Autowired
	private Commits commits;

	@Autowired
	private Recorder recorder;

	@Autowired
	private SelectorWakeQueue queue;

	@Autowired
	private EventRoutingStatus status;

	@Autowired
	private EventPublicationRegistry registry;

	@Test
	void modulithsMulticasterAndAsyncExecutorAreLeftAsTheyAre() {
		Object multicaster = this.context.getBean(AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME);
		assertThat(multicaster.getClass()).isEqualTo(PersistentApplicationEventMulticaster.class);
		assertThat(this.status.isActive()).isFalse();
		assertThat(this.status.getReason()).contains("selector-wake-queue.events.modulith.enabled=false");
		Advised listeners = (Advised) this.context.getBean("listeners");
		assertThat(listeners.getAdvisors()).anyMatch(AsyncAnnotationAdvisor.class::isInstance);
		assertThat(this.context.getBeansOfType(ModuleListenerDispatcher.class)).isEmpty();
	}

	@Test
	void plainListenersRunOnThePublishersThreadAndModuleListenersOnSpringsExecutor() {
		assertTimeoutPreemptively(BOUND, () -> {
			int before = this.recorder.plainDelivered.get();
			this.publisher.publishEvent(new Plain(7, 0));
			// Synchronous: delivered before publishEvent returned, on this thread.
			assertThat(this.recorder.plainDelivered.get()).isEqualTo(before + 1);
			assertThat(this.recorder.plainOffReactor).hasValue(1);

			long sequence = this.commits.commit(Committed::new);
			await().atMost(BOUND).until(() -> this.recorder.committed.contains(sequence));
			assertThat(this.recorder.committedThreads).isNotEmpty()
				.noneMatch((name) -> name.equals(this.queue.name()) || name.equals(Thread.currentThread().getName()));
			// Its own publication: tests sharing this context leave failed ones incomplete on purpose.
			await().atMost(BOUND).until(() -> this.registry.findIncompletePublications()
				.stream()
				.noneMatch((publication) -> publication.getEvent().equals(new Committed(sequence))));
		});
	}

}
