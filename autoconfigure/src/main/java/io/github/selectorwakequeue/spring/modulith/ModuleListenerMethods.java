package io.github.selectorwakequeue.spring.modulith;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.BridgeMethodResolver;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.scheduling.annotation.Async;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.util.ReflectionUtils;

/**
 * Which methods are module listeners that the queue runs: after-commit {@code @TransactionalEventListener}s that
 * are {@code @Async} without naming an executor (so every {@code @ApplicationModuleListener}), returning
 * {@code void} or a future. An {@code @Async("executor")} names its own executor and keeps it. Answers are cached
 * per method and target class. Thread-safe.
 */
final class ModuleListenerMethods {

	private final Map<MethodKey, Boolean> answers = new ConcurrentHashMap<>();

	/**
	 * @param method the invoked method
	 * @param targetClass the class of the bean, or {@code null} if unknown
	 * @return whether the invocation belongs on the queue
	 */
	boolean isModuleListener(Method method, Class<?> targetClass) {
		return this.answers.computeIfAbsent(new MethodKey(method, targetClass), ModuleListenerMethods::inspect);
	}

	/**
	 * @param targetClass a bean class
	 * @return whether it declares or inherits at least one module listener method
	 */
	boolean hasModuleListeners(Class<?> targetClass) {
		boolean[] found = { false };
		ReflectionUtils.doWithMethods(targetClass, (method) -> found[0] = true,
				(method) -> !found[0] && isModuleListener(method, targetClass));
		return found[0];
	}

	private static boolean inspect(MethodKey key) {
		Method method = key.method();
		if (key.targetClass() != null) {
			method = AopUtils.getMostSpecificMethod(method, key.targetClass());
		}
		method = BridgeMethodResolver.findBridgedMethod(method);
		TransactionalEventListener listener = AnnotatedElementUtils.findMergedAnnotation(method,
				TransactionalEventListener.class);
		if (listener == null || listener.phase() != TransactionPhase.AFTER_COMMIT) {
			return false;
		}
		Async async = AnnotatedElementUtils.findMergedAnnotation(method, Async.class);
		if (async == null) {
			async = AnnotatedElementUtils.findMergedAnnotation(method.getDeclaringClass(), Async.class);
		}
		if (async == null || !async.value().isEmpty()) {
			return false;
		}
		return method.getReturnType() == void.class || ModuleListenerDispatcher.returnsFuture(method);
	}

	private record MethodKey(Method method, Class<?> targetClass) {
	}

}
