package io.github.selectorwakequeue.spring.test;

import java.time.Duration;
import java.time.format.DateTimeParseException;

import io.github.selectorwakequeue.SelectorWakeQueue;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.test.context.support.AbstractTestExecutionListener;

/**
 * Switches on {@link AwaitEventDelivery} for the test classes that carry it (directly, inherited, or on an enclosing
 * class of a {@code @Nested} one); does nothing for the others. Registered by default (in
 * {@code META-INF/spring.factories}), as Spring's own listener for {@code @RecordApplicationEvents} is.
 *
 * <p>For each test method of such a class, on the thread that runs it:
 * <ol>
 * <li>{@code beforeTestMethod}: waits for what was queued earlier, then arms the wait after each
 * {@code publishEvent} on this thread;</li>
 * <li>{@code afterTestExecution}: fails the test if a wait inside a transaction failed (Spring ignores a failure in
 * a synchronization's {@code afterCompletion}, where the wait after a commit runs), or adds that failure to the test's
 * own; if the test passed, waits for what it set off on other threads;</li>
 * <li>{@code afterTestMethod}: disarms, and fails the test if such a failure happened in {@code @AfterEach}
 * methods.</li>
 * </ol>
 * Ordered after Spring's listeners that load a fresh context for {@code @DirtiesContext} ({@code 1500}) and record
 * application events ({@code 1800}), and before dependency injection ({@code 2000}), so that the wait before a test
 * comes before a test-managed transaction begins ({@code 4000}) and the wait after it before a context marked dirty
 * is closed ({@code 3000}, in reverse order after a test).
 */
public class AwaitEventDeliveryTestExecutionListener extends AbstractTestExecutionListener {

	/** This listener's order. */
	public static final int ORDER = 1900;

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public void beforeTestMethod(TestContext testContext) {
		AwaitEventDelivery settings = TestContextAnnotationUtils.findMergedAnnotation(testContext.getTestClass(),
				AwaitEventDelivery.class);
		if (settings == null) {
			return;
		}
		Duration timeout = timeout(settings, testContext.getTestClass());
		EventDeliveryWaiter waiter = waiterOf(testContext.getApplicationContext());
		waiter.awaitDelivery(timeout,
				"before test " + testContext.getTestMethod().getName() + " (work queued at start-up or by an earlier test)");
		TestThreadWait.arm(waiter, timeout);
	}

	@Override
	public void afterTestExecution(TestContext testContext) {
		TestThreadWait armed = TestThreadWait.current();
		if (armed == null) {
			return;
		}
		reportFailureInTransaction(armed, testContext);
		if (testContext.getTestException() == null) {
			armed.await("after test " + testContext.getTestMethod().getName()
					+ " (work it set off, also on other threads)");
		}
	}

	@Override
	public void afterTestMethod(TestContext testContext) {
		TestThreadWait armed = TestThreadWait.disarm();
		if (armed != null) {
			reportFailureInTransaction(armed, testContext);
		}
	}

	/** Fails the test with the failure Spring may have ignored, or adds it to the test's own failure. */
	private static void reportFailureInTransaction(TestThreadWait armed, TestContext testContext) {
		AssertionError failed = armed.takeFailure();
		Throwable testFailure = testContext.getTestException();
		if (failed == null || failed == testFailure) {
			return;
		}
		if (testFailure == null) {
			throw failed;
		}
		testFailure.addSuppressed(failed);
	}

	private static EventDeliveryWaiter waiterOf(ApplicationContext context) {
		return context.getBeanProvider(EventDeliveryWaiter.class)
			.getIfUnique(() -> new EventDeliveryWaiter(context.getBeanProvider(SelectorWakeQueue.class)));
	}

	/** The annotation's timeout, or a clear error naming the test class and the value. */
	static Duration timeout(AwaitEventDelivery settings, Class<?> testClass) {
		String value = settings.timeout();
		try {
			Duration timeout = DurationStyle.detectAndParse(value.trim());
			if (!timeout.isNegative()) {
				return timeout;
			}
		}
		catch (IllegalArgumentException | DateTimeParseException ex) {
			// reported below
		}
		throw new IllegalStateException("@AwaitEventDelivery(timeout = \"" + value + "\") on " + testClass.getName()
				+ " is not a duration of zero or more; write it as 10s, 500ms or PT10S, for example");
	}

}
