package io.github.selectorwakequeue.spring.event;

import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationListener;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Carries the targets of the tests' event recorders (Spring's {@code @RecordApplicationEvents}, Spring Modulith's
 * {@code PublishedEvents}, {@code AssertablePublishedEvents} and {@code Scenario}) from the thread that hands work to
 * the queue to the thread that runs it. Both keep their target in an {@code InheritableThreadLocal} of the test's
 * thread, which without the starter reaches every event a listener publishes in turn: on the test's thread itself,
 * or on the {@code @Async} executor's threads, which the test's thread creates. With this, an event that a listener
 * running on the queue publishes is recorded for the test that caused it too. The recorders themselves run on the
 * publisher's thread ({@link PublisherThreadListeners}).
 *
 * <p>Only in effect when Spring's or Modulith's test support is on the class path (so never in production), and
 * wraps the context propagation otherwise used. Both keep that thread-local in a private field: it is read
 * reflectively, once per recorder; if a version no longer has it, nothing is carried (logged at DEBUG). Recorders
 * are held weakly. Thread-safe.
 */
final class TestRecorderPropagation implements EventContextPropagation {

	/** Modulith's test support, looked up by name: present only in tests. */
	static final String MODULITH_RECORDER = "org.springframework.modulith.test.PublishedEventsParameterResolver$ThreadBoundApplicationListenerAdapter";

	/** Spring's test support, looked up by name: present only in tests. */
	static final String SPRING_RECORDER = "org.springframework.test.context.event.ApplicationEventsApplicationListener";

	/** Where Spring's recorder keeps its target: a static thread-local. */
	private static final String SPRING_RECORDER_HOLDER = "org.springframework.test.context.event.ApplicationEventsHolder";

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
		return (ClassUtils.isPresent(MODULITH_RECORDER, classLoader) || ClassUtils.isPresent(SPRING_RECORDER, classLoader))
				? new TestRecorderPropagation(delegate) : delegate;
	}

	/**
	 * Starts carrying the target of a test's event recorder. Called when a route that holds it is computed.
	 * @param listener a test's event recorder (see {@link PublisherThreadListeners#TEST_RECORDERS})
	 */
	static void register(ApplicationListener<?> listener) {
		String type = listener.getClass().getName();
		if (MODULITH_RECORDER.equals(type)) {
			carry(threadLocal(listener.getClass(), "delegate", listener));
		}
		else if (SPRING_RECORDER.equals(type)) {
			ClassLoader loader = listener.getClass().getClassLoader();
			if (ClassUtils.isPresent(SPRING_RECORDER_HOLDER, loader)) {
				carry(threadLocal(ClassUtils.resolveClassName(SPRING_RECORDER_HOLDER, loader), "applicationEvents", null));
			}
		}
	}

	@SuppressWarnings("unchecked")
	private static @Nullable ThreadLocal<Object> threadLocal(Class<?> owner, String name, @Nullable Object target) {
		Field field = ReflectionUtils.findField(owner, name, ThreadLocal.class);
		if (field == null) {
			logger.debug("{} keeps no '{}' thread-local: events published on the queue's threads are not recorded "
					+ "for the test", owner.getName(), name);
			return null;
		}
		ReflectionUtils.makeAccessible(field);
		return (ThreadLocal<Object>) ReflectionUtils.getField(field, target);
	}

	private static synchronized void carry(@Nullable ThreadLocal<Object> target) {
		if (target == null) {
			return;
		}
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
