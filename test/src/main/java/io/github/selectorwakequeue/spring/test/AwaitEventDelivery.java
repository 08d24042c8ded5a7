package io.github.selectorwakequeue.spring.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes every {@code publishEvent} on the test thread return only once the event has been delivered: in a Spring test
 * class with this annotation, each event published on the thread that runs the test method (in the test, in
 * {@code @BeforeEach}/{@code @AfterEach} methods, or in application code they call) is followed by a wait until the
 * application's queue is quiescent, as {@link EventDeliveryWaiter} defines it: the event's listeners have run, and so
 * has everything they published or queued in turn. So the test can assert on the listeners' effects on the next line,
 * while the listeners still run where they run in production (on the queue's threads, in their lanes).
 *
 * <p>Also, per test method:
 * <ul>
 * <li>before it (and before {@code @BeforeEach} methods), a wait for what was queued earlier (at start-up, or by an
 * earlier test sharing the context), so that a test starts quiescent;</li>
 * <li>after it passed (before {@code @AfterEach} methods), a wait for what it set off on other threads, for example
 * through HTTP requests it made, so that it leaves the context quiescent;</li>
 * <li>when an event is published inside a transaction on the test thread, a second wait once that transaction has
 * committed, for what its after-commit callbacks queued: Spring Modulith's {@code @ApplicationModuleListener}s run
 * only then. Spring ignores a failure there, so a timeout of that wait fails the test when the test method ends.</li>
 * </ul>
 * A wait that times out fails the test with an {@link AssertionError} naming the listeners and tasks still running
 * or waiting, at the {@code publishEvent} line that started it.
 *
 * <p>Only the thread that runs the test method waits: publishing on other threads (an HTTP server's, a pool's, or the
 * body of {@code assertTimeoutPreemptively} or of a {@code @Timeout} in {@code SEPARATE_THREAD} mode) is unchanged;
 * wait there with an injected {@link EventDeliveryWaiter}. Inherited by subclasses and {@code @Nested} classes.
 * Switched on by {@link AwaitEventDeliveryTestExecutionListener}, which Spring's TestContext framework registers by
 * default while this module is on the test class path.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface AwaitEventDelivery {

	/**
	 * How long each wait may last before the test fails: a duration such as {@code 10s}, {@code 500ms} or
	 * {@code PT10S}.
	 * @return the longest wait, {@code 10s} unless set
	 */
	String timeout() default "10s";

}
