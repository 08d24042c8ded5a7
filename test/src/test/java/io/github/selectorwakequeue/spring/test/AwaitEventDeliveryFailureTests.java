package io.github.selectorwakequeue.spring.test;

import java.time.Duration;
import java.util.UUID;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.spring.test.DeliveryTestApplication.Gate;
import io.github.selectorwakequeue.spring.test.DeliveryTestApplication.Held;
import io.github.selectorwakequeue.spring.test.DeliveryTestApplication.OrderPlaced;
import io.github.selectorwakequeue.spring.test.DeliveryTestApplication.Relayed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * How {@link AwaitEventDelivery} fails a test, seen from outside: example test classes run by the JUnit Platform's
 * test kit (in this JVM, so they share the cached application context), with the gate listener holding the work
 * they wait for.
 */
@SpringBootTest(classes = DeliveryTestApplication.class)
class AwaitEventDeliveryFailureTests {

	private static final Duration BOUND = Duration.ofSeconds(60);

	private static final String TIMED_OUT_AFTER_COMMIT = "Event delivery on queue 'selector-wake-queue' did not finish "
			+ "within PT0.3S after the test thread's transaction committed (for what its after-commit callbacks queued).";

	private static final String HELD = "\n- listener Gate.hold(Held): ";

	private static volatile boolean runningExamples;

	@Autowired
	private Gate gate;

	@Autowired
	private EventDeliveryWaiter delivery;

	@BeforeEach
	void closeGate() {
		this.gate.close();
	}

	@AfterEach
	void openGateAndWait() {
		this.gate.open();
		assertTimeoutPreemptively(BOUND, () -> this.delivery.awaitDelivery());
	}

	@Test
	void timeoutOfTheWaitAfterACommitFailsTheTestWhenItsMethodEndsThoughSpringIgnoresIt() {
		assertThat(failureOfItsOnlyTest(WorkHeldAfterCommit.class)).isInstanceOf(AssertionError.class)
			.hasMessageStartingWith(TIMED_OUT_AFTER_COMMIT)
			.hasMessageContaining(HELD);
	}

	/** Spring ignores the failure of the wait inside the listener too; the wait after the commit repeats it. */
	@Test
	void timeoutOfAWaitInAnAfterCommitListenerFailsTheTestWhenItsMethodEnds() {
		assertThat(failureOfItsOnlyTest(AfterCommitListenerPublishing.class)).isInstanceOf(AssertionError.class)
			.hasMessageStartingWith(TIMED_OUT_AFTER_COMMIT)
			.hasMessageContaining(HELD);
	}

	@Test
	void timeoutThatIsNotADurationFailsNamingTheValueAndTheTestClass() {
		assertThat(failureOfItsOnlyTest(TimeoutNotADuration.class)).isInstanceOf(IllegalStateException.class)
			.hasMessage("@AwaitEventDelivery(timeout = \"ten seconds\") on " + TimeoutNotADuration.class.getName()
					+ " is not a duration of zero or more; write it as 10s, 500ms or PT10S, for example");
	}

	/** Runs an example class that has one test, which must fail, and returns what it failed with. */
	private static Throwable failureOfItsOnlyTest(Class<?> example) {
		Events tests = run(example);
		tests.assertStatistics((stats) -> stats.started(1).failed(1));
		return tests.failed().stream().findFirst().orElseThrow().getRequiredPayload(TestExecutionResult.class)
			.getThrowable().orElseThrow();
	}

	private static Events run(Class<?> example) {
		runningExamples = true;
		try {
			return assertTimeoutPreemptively(BOUND,
					() -> EngineTestKit.engine("junit-jupiter").selectors(selectClass(example)).execute().testEvents());
		}
		finally {
			runningExamples = false;
		}
	}

	static boolean runningExamples() {
		return runningExamples;
	}

	@SpringBootTest(classes = DeliveryTestApplication.class)
	@AwaitEventDelivery(timeout = "300ms")
	@EnabledIf("io.github.selectorwakequeue.spring.test.AwaitEventDeliveryFailureTests#runningExamples")
	static class WorkHeldAfterCommit {

		@Autowired
		private TransactionTemplate transactions;

		@Autowired
		private SelectorWakeQueue queue;

		@Autowired
		private ApplicationEventPublisher events;

		@Test
		void commitsATransactionWhoseAfterCommitWorkIsHeld() {
			this.transactions.executeWithoutResult((status) -> {
				this.events.publishEvent(new OrderPlaced(UUID.randomUUID().toString()));
				TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
					@Override
					public void afterCompletion(int completion) {
						WorkHeldAfterCommit.this.queue
							.execute(() -> WorkHeldAfterCommit.this.events.publishEvent(new Held(UUID.randomUUID().toString())));
					}
				});
			});
		}

	}

	@SpringBootTest(classes = DeliveryTestApplication.class)
	@AwaitEventDelivery(timeout = "300ms")
	@EnabledIf("io.github.selectorwakequeue.spring.test.AwaitEventDeliveryFailureTests#runningExamples")
	static class AfterCommitListenerPublishing {

		@Autowired
		private TransactionTemplate transactions;

		@Autowired
		private ApplicationEventPublisher events;

		@Test
		void commitsATransactionWhoseAfterCommitListenerPublishesAHeldEvent() {
			this.transactions.executeWithoutResult(
					(status) -> this.events.publishEvent(new Relayed(UUID.randomUUID().toString())));
		}

	}

	@SpringBootTest(classes = DeliveryTestApplication.class)
	@AwaitEventDelivery(timeout = "ten seconds")
	@EnabledIf("io.github.selectorwakequeue.spring.test.AwaitEventDeliveryFailureTests#runningExamples")
	static class TimeoutNotADuration {

		@Test
		void doesNotRun() {
		}

	}

}
