package io.github.selectorwakequeue.spring.modulith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.spring.event.EventRoutingStatus;
import io.github.selectorwakequeue.spring.event.RoutedListener;
import io.github.selectorwakequeue.spring.modulith.ModulithTestApplication.Audited;
import io.github.selectorwakequeue.spring.modulith.ModulithTestApplication.Commits;
import io.github.selectorwakequeue.spring.modulith.ModulithTestApplication.Committed;
import io.github.selectorwakequeue.spring.modulith.ModulithTestApplication.Flaky;
import io.github.selectorwakequeue.spring.modulith.ModulithTestApplication.Listeners;
import io.github.selectorwakequeue.spring.modulith.ModulithTestApplication.Plain;
import io.github.selectorwakequeue.spring.modulith.ModulithTestApplication.Recorder;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.modulith.events.IncompleteEventPublications;
import org.springframework.modulith.events.core.EventPublicationRegistry;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * With Spring Modulith's JDBC event publication registry on H2: Modulith's multicaster is ours, its registry still
 * records, completes and resubmits publications, module listeners run on the reactor in commit order and plain
 * listeners on the reactor in publish order.
 */
@SpringBootTest(classes = ModulithTestApplication.class, webEnvironment = WebEnvironment.NONE)
class ModulithEventMulticasterTests {

	private static final Duration BOUND = Duration.ofSeconds(60);

	@Autowired
	private ConfigurableApplicationContext context;

	@Autowired
	private ApplicationEventPublisher publisher;

	@Autowired
	private TransactionTemplate transactions;

	@Autowired
	private JdbcTemplate jdbc;

	@Autowired
	private Commits commits;

	@Autowired
	private Recorder recorder;

	@Autowired
	private Listeners listeners;

	@Autowired
	private SelectorWakeQueue queue;

	@Autowired
	private EventRoutingStatus status;

	@Autowired
	private EventPublicationRegistry registry;

	@Autowired
	private IncompleteEventPublications incompletePublications;

	@Test
	void modulithsMulticasterIsReplacedByOursAndEventsAreRouted() {
		Object multicaster = this.context.getBean(AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME);
		assertThat(multicaster).isInstanceOf(ModulithEventMulticaster.class);
		assertThat(this.incompletePublications).isSameAs(multicaster);
		assertThat(this.status.isActive()).isTrue();
		assertThat(this.recorder.refreshedOn).as("framework events stay on the publisher's thread")
			.isNotNull()
			.matches((thread) -> !thread.getName().equals(this.queue.name()));
	}

	@Test
	void theListenersAreDescribedWithWhereTheyRun() {
		assertThat(this.status.listeners()).contains(
				new RoutedListener("Listeners.onCommitted(Committed)", null, RoutedListener.QUEUE,
						"module listener: after commit, in commit order"),
				new RoutedListener("Listeners.onAudited(Audited)", null, RoutedListener.PUBLISHER,
						"transactional (registers with the publisher's transaction)"),
				new RoutedListener("Listeners.onPlain(Plain)", "listeners", RoutedListener.QUEUE, null));
	}

	@Test
	void aPublicationIsRecordedAtPublishTimeAndCompletedAfterTheListenerSucceeded() {
		assertTimeoutPreemptively(BOUND, () -> {
			long sequence = this.commits.commit((value) -> {
				// Inside the publishing transaction, right after publishEvent: Modulith has stored the publications.
				Object event = new Committed(value);
				return event;
			});
			String audit = "audit-" + sequence;
			this.transactions.executeWithoutResult((tx) -> {
				this.publisher.publishEvent(new Audited(audit));
				assertThat(incompleteRows("onAudited", audit)).as("recorded inside the transaction").isEqualTo(1);
				assertThat(this.recorder.audited).doesNotContain(audit);
			});
			// The plain @TransactionalEventListener ran after commit on this thread; Modulith marked it completed.
			assertThat(this.recorder.audited).contains(audit);
			assertThat(this.recorder.auditedOn).isSameAs(Thread.currentThread());
			assertThat(incompleteRows("onAudited", audit)).isZero();
			assertThat(completedRows("onAudited", audit)).isEqualTo(1);
			// The module listener ran on the reactor, where Modulith's advisor marked it completed.
			await().atMost(BOUND).until(() -> completedRows("onCommitted", "\"sequence\":" + sequence) == 1);
			assertThat(this.recorder.committed).contains(sequence);
			assertThat(incompleteRows("onCommitted", "\"sequence\":" + sequence)).isZero();
		});
	}

	@Test
	void aFailedListenerLeavesAnIncompletePublicationThatResubmissionDeliversOnce() {
		assertTimeoutPreemptively(BOUND, () -> {
			String id = "flaky-" + System.nanoTime();
			this.transactions.executeWithoutResult((tx) -> this.publisher.publishEvent(new Flaky(id)));
			await().atMost(BOUND).until(() -> attempts(id) == 1 && this.registry.findIncompletePublications()
				.stream()
				.anyMatch((publication) -> publication.getEvent().equals(new Flaky(id))));
			assertThat(this.recorder.flakyDone).doesNotContain(id + "@reactor");

			this.incompletePublications
				.resubmitIncompletePublications((publication) -> publication.getEvent().equals(new Flaky(id)));

			await().atMost(BOUND).until(() -> this.recorder.flakyDone.contains(id + "@reactor"));
			await().atMost(BOUND).until(() -> completedRows("onFlaky", id) == 1);
			// Resubmitting again finds nothing left to deliver.
			this.incompletePublications
				.resubmitIncompletePublications((publication) -> publication.getEvent().equals(new Flaky(id)));
			flushReactor();
			assertThat(attempts(id)).isEqualTo(2);
			assertThat(this.recorder.flakyDone).containsOnlyOnce(id + "@reactor");
		});
	}

	@Test
	void moduleListenersRunOnTheReactorInCommitOrderFromConcurrentTransactions() throws Exception {
		int threads = 4;
		int commitsPerThread = 1_000;
		assertTimeoutPreemptively(BOUND, () -> {
			int before = this.recorder.committed.size();
			long first = this.jdbc.queryForObject("SELECT next_value FROM commit_counter WHERE id = 1", Long.class) + 1;
			ExecutorService pool = Executors.newFixedThreadPool(threads);
			try {
				List<Future<?>> done = new ArrayList<>();
				for (int t = 0; t < threads; t++) {
					done.add(pool.submit(() -> {
						for (int i = 0; i < commitsPerThread; i++) {
							this.commits.commit(Committed::new);
						}
					}));
				}
				for (Future<?> future : done) {
					future.get();
				}
			}
			finally {
				pool.shutdownNow();
			}
			int total = threads * commitsPerThread;
			await().atMost(BOUND).until(() -> this.recorder.committed.size() >= before + total);
			List<Long> received = new ArrayList<>(this.recorder.committed.subList(before, before + total));
			assertThat(received).as("commit order").containsExactlyElementsOf(
					LongStream.range(first, first + total).boxed().toList());
			// On the queue's threads, never on the publisher's: the reactor, or a worker of the listener's lane (each
			// call marks its publication complete in the database, which makes the listener slow enough to leave the
			// reactor; its lane keeps the commit order all the same).
			assertThat(this.recorder.committedOffReactor).as("run off the queue's threads: %s",
					this.recorder.committedThreads).hasValue(0);
			await().atMost(BOUND).until(() -> this.registry.findIncompletePublications()
				.stream()
				.noneMatch((publication) -> publication.getEvent() instanceof Committed));
		});
	}

	@Test
	void plainListenersRunOnTheReactorInPublishOrder() {
		int threads = 4;
		int perThread = 2_000;
		assertTimeoutPreemptively(BOUND, () -> {
			int before = this.recorder.plainDelivered.get();
			List<Thread> publishers = new ArrayList<>();
			CountDownLatch start = new CountDownLatch(1);
			for (int t = 0; t < threads; t++) {
				int publisherId = t;
				Thread publisherThread = new Thread(() -> {
					try {
						start.await();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						return;
					}
					for (int i = 0; i < perThread; i++) {
						this.publisher.publishEvent(new Plain(publisherId, i));
					}
				}, "plain-publisher-" + t);
				publisherThread.setDaemon(true);
				publishers.add(publisherThread);
				publisherThread.start();
			}
			start.countDown();
			for (Thread publisherThread : publishers) {
				publisherThread.join();
			}
			await().atMost(BOUND).until(() -> this.recorder.plainDelivered.get() == before + threads * perThread);
			assertThat(this.recorder.plainOffReactor).hasValue(0);
			assertThat(this.recorder.plainOutOfOrder).hasValue(0);
		});
	}

	@Test
	void otherAsyncMethodsKeepSpringsExecutor() {
		assertTimeoutPreemptively(BOUND, () -> {
			CountDownLatch done = new CountDownLatch(1);
			this.listeners.background(done);
			assertThat(done.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
			assertThat(this.recorder.backgroundOn.getName()).isNotEqualTo(this.queue.name())
				.isNotEqualTo(Thread.currentThread().getName());
		});
	}

	private int attempts(String id) {
		var attempts = this.recorder.flakyAttempts.get(id);
		return (attempts != null) ? attempts.get() : 0;
	}

	/** Waits until everything queued before now has run on the reactor. */
	private void flushReactor() throws InterruptedException {
		CountDownLatch flushed = new CountDownLatch(1);
		this.queue.execute(flushed::countDown);
		assertThat(flushed.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
	}

	private int incompleteRows(String listener, String eventText) {
		return rows(listener, eventText, "COMPLETION_DATE IS NULL");
	}

	private int completedRows(String listener, String eventText) {
		return rows(listener, eventText, "COMPLETION_DATE IS NOT NULL");
	}

	private int rows(String listener, String eventText, String condition) {
		return this.jdbc.queryForObject("SELECT COUNT(*) FROM EVENT_PUBLICATION WHERE LISTENER_ID LIKE ? "
				+ "AND SERIALIZED_EVENT LIKE ? AND " + condition, Integer.class, "%" + listener + "%",
				"%" + eventText + "%");
	}

}
