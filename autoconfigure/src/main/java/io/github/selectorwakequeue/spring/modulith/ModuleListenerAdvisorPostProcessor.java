package io.github.selectorwakequeue.spring.modulith;

import java.util.Objects;
import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInterceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.aop.Advisor;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.scheduling.annotation.AsyncAnnotationAdvisor;

/**
 * Moves module listeners ({@code @ApplicationModuleListener} and any after-commit
 * {@code @Async @TransactionalEventListener} without an executor name) from Spring's {@code @Async} executor onto
 * the queue, and only them: in the proxy of each bean that has such a method, Spring's
 * {@link AsyncAnnotationAdvisor} is replaced, at the same place in the chain and with the same pointcut, by one
 * whose interceptor sends module listener invocations to the {@link ModuleListenerDispatcher} and every other
 * {@code @Async} method to Spring's own interceptor. Nothing else in the application changes executor.
 *
 * <p>Runs after Spring's {@code AsyncAnnotationBeanPostProcessor} (an {@code Ordered} post-processor; this one is
 * not ordered, so it comes later). Uses only the public {@link Advised} API of the proxy.
 */
public final class ModuleListenerAdvisorPostProcessor implements BeanPostProcessor {

	private static final Logger logger = LoggerFactory.getLogger(ModuleListenerAdvisorPostProcessor.class);

	private final Supplier<ModuleListenerDispatcher> dispatcher;

	private final ModuleListenerMethods methods = new ModuleListenerMethods();

	/**
	 * @param dispatcher the dispatcher, looked up when the first bean with a module listener is found
	 */
	public ModuleListenerAdvisorPostProcessor(Supplier<ModuleListenerDispatcher> dispatcher) {
		this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (!(bean instanceof Advised advised) || advised.isFrozen()) {
			return bean;
		}
		Advisor[] advisors = advised.getAdvisors();
		for (Advisor advisor : advisors) {
			if (advisor instanceof AsyncAnnotationAdvisor async && async.getAdvice() instanceof MethodInterceptor original
					&& this.methods.hasModuleListeners(AopProxyUtils.ultimateTargetClass(bean))) {
				ModuleListenerDispatcher target = this.dispatcher.get();
				DefaultPointcutAdvisor replacement = new DefaultPointcutAdvisor(async.getPointcut(),
						new ModuleListenerInterceptor(original, this.methods, target));
				replacement.setOrder(async.getOrder());
				advised.replaceAdvisor(async, replacement);
				target.activate();
				logger.debug("Module listeners of bean '{}' run on the SelectorWakeQueue in commit order", beanName);
				return bean;
			}
		}
		return bean;
	}

}
