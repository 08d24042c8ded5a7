package io.github.selectorwakequeue.spring.event;

import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationListener;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Carries the target of Spring Modulith's test event recorder ({@code PublishedEvents}, {@code AssertablePublishedEvents},
 * {@code Scenario}) from the thread that hands work to the queue to the thread that runs it, as Modulith alone gets
 * it carried by the {@code InheritableThreadLocal} its recorder keeps the target in (the {@code @Async} executor's
 * threads are created by the test's thread). With it, an event that a listener running on the queue publishes in turn
 * is recorded for the test that caused it. The recorder itself runs on the publisher's thread
 * ({@link PublisherThreadListeners}).
 *
 * <p>Only in effect when Modulith's test support is on the class path (so never in production), and wraps the
 * context propagation otherwise used. Modulith keeps that thread-local in a private field of its recorder: it is
 * read reflectively, once per recorder; if a Modulith version no longer has it, nothing is carried (logged at DEBUG).
 * Recorders are held weakly. Thread-safe.
 */
final class TestRecorderPropagation implements EventContextPropagation {

	/** Modulith's test support, looked up by name: present only in tests. */
	static final String MODULITH_RECORDER = "org.springframework.modulith.test.PublishedEventsParameterResolver$ThreadBoundApplicationListenerAdapter";

	private static final Logger logger = LoggerFactory.getLogger(TestRecorderPropagation.class);

	/** The thread-locals of every recorder seen, in every context of this class loader (tests cache contexts). */
	private static final List<WeakReference<ThreadLocal<Object>>> targets = new CopyOnWriteArrayList<>();

	private final EventContextPropagation delegate;

	private TestRecorderPropagation(EventContextPropagation delegate) {
		this.delegate = delegate;
	}

	/**
	 * @param delegate the propagation otherwise used
	 * @param classLoader where to look for Modulith's test support
	 * @return {@code delegate}, carrying the recorders' targets too when Modulith's test support is present
	 */
	static EventContextPropagation decorate(EventContextPropagation delegate, ClassLoader classLoader) {
		return ClassUtils.isPresent(MODULITH_RECORDER, classLoader) ? new TestRecorderPropagation(delegate) : delegate;
	}

	/**
	 * Starts carrying the target of a recorder, if it is Modulith's. Called when a route that holds it is computed.
	 * @param listener a test's event recorder
	 */
	@SuppressWarnings("unchecked")
	static void register(ApplicationListener<?> listener) {
		if (!MODULITH_RECORDER.equals(listener.getClass().getName())) {
			return;
		}
		Field field = ReflectionUtils.findField(listener.getClass(), "delegate", ThreadLocal.class);
		if (field == null) {
			logger.debug("Spring Modulith's test event recorder keeps no 'delegate' thread-local: events published "
					+ "on the queue's threads are not recorded for the test");
			return;
		}
		ReflectionUtils.makeAccessible(field);
		ThreadLocal<Object> target = (ThreadLocal<Object>) ReflectionUtils.getField(field, listener);
		for (WeakReference<ThreadLocal<Object>> known : targets) {
			if (known.get() == target) {
				return;
			}
		}
		targets.removeIf((known) -> known.get() == null);
		targets.add(new WeakReference<>(target));
	}

	@Override
	public Object capture() {
		Object context = this.delegate.capture();
		if (targets.isEmpty()) {
			return context;
		}
		Object[] values = new Object[targets.size()];
		@SuppressWarnings("unchecked")
		ThreadLocal<Object>[] locals = new ThreadLocal[values.length];
		boolean any = false;
		int i = 0;
		for (WeakReference<ThreadLocal<Object>> reference : targets) {
			if (i == values.length) {
				break;
			}
			ThreadLocal<Object> local = reference.get();
			locals[i] = local;
			values[i] = (local != null) ? local.get() : null;
			any |= values[i] != null;
			i++;
		}
		return any ? new Captured(context, locals, values) : context;
	}

	@Override
	public Scope restore(Object captured) {
		if (!(captured instanceof Captured recorded)) {
			return this.delegate.restore(captured);
		}
		Scope scope = (recorded.context() != null) ? this.delegate.restore(recorded.context()) : Scope.NOOP;
		Object[] previous = new Object[recorded.values().length];
		for (int i = 0; i < previous.length; i++) {
			ThreadLocal<Object> local = recorded.locals()[i];
			if (local != null && recorded.values()[i] != null) {
				previous[i] = local.get();
				local.set(recorded.values()[i]);
			}
		}
		return () -> {
			for (int i = 0; i < previous.length; i++) {
				ThreadLocal<Object> local = recorded.locals()[i];
				if (local != null && recorded.values()[i] != null) {
					if (previous[i] != null) {
						local.set(previous[i]);
					}
					else {
						local.remove();
					}
				}
			}
			scope.close();
		};
	}

	private record Captured(Object context, ThreadLocal<Object>[] locals, Object[] values) {
	}

}
