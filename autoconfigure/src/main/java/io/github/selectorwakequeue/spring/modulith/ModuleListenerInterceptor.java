package io.github.selectorwakequeue.spring.modulith;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;

import org.springframework.aop.support.AopUtils;

/**
 * Stands in for Spring's {@code @Async} interceptor on beans with module listeners: a module listener invocation
 * goes to the {@link ModuleListenerDispatcher} (the queue, in commit order); every other {@code @Async} method of
 * the bean goes to Spring's interceptor, which runs it as before.
 */
final class ModuleListenerInterceptor implements MethodInterceptor {

	private final MethodInterceptor async;

	private final ModuleListenerMethods methods;

	private final ModuleListenerDispatcher dispatcher;

	ModuleListenerInterceptor(MethodInterceptor async, ModuleListenerMethods methods,
			ModuleListenerDispatcher dispatcher) {
		this.async = async;
		this.methods = methods;
		this.dispatcher = dispatcher;
	}

	@Override
	public Object invoke(MethodInvocation invocation) throws Throwable {
		Object target = invocation.getThis();
		Class<?> targetClass = (target != null) ? AopUtils.getTargetClass(target) : null;
		if (this.methods.isModuleListener(invocation.getMethod(), targetClass)) {
			return this.dispatcher.dispatch(invocation);
		}
		return this.async.invoke(invocation);
	}

}
