package io.github.selectorwakequeue.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * At build time for a native image (Spring AOT), registers a type hint for each class listed in
 * {@code selector-wake-queue.events.synchronous-types}, so that binding the list, which loads each class by name,
 * works in the image. The list is read from the environment the AOT processing runs with, the one that also fixes
 * the auto-configuration's conditions; a class listed only when the image runs needs a hint of the application's
 * own. A name that does not resolve at build time is skipped (binding it fails at start-up, naming the property).
 * Registered in {@code META-INF/spring/aot.factories}; never runs in the application itself.
 */
final class SynchronousTypesAotProcessor implements BeanFactoryInitializationAotProcessor {

	static final String PROPERTY = SelectorWakeQueueProperties.PREFIX + ".events.synchronous-types";

	@Override
	public @Nullable BeanFactoryInitializationAotContribution processAheadOfTime(
			ConfigurableListableBeanFactory beanFactory) {
		if (!(beanFactory.getBeanProvider(Environment.class)
			.getIfAvailable() instanceof ConfigurableEnvironment environment)) {
			return null;
		}
		List<String> names = Binder.get(environment).bind(PROPERTY, Bindable.listOf(String.class)).orElse(List.of());
		ClassLoader classLoader = beanFactory.getBeanClassLoader();
		List<Class<?>> types = new ArrayList<>();
		for (String name : names) {
			if (ClassUtils.isPresent(name.trim(), classLoader)) {
				types.add(ClassUtils.resolveClassName(name.trim(), classLoader));
			}
		}
		if (types.isEmpty()) {
			return null;
		}
		return (generationContext, code) -> types
			.forEach((type) -> generationContext.getRuntimeHints().reflection().registerType(type));
	}

}
