package io.github.selectorwakequeue.spring.modulith;

import java.util.List;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.modulith.events.support.PersistentApplicationEventMulticaster;

/**
 * Puts a {@link ModulithEventMulticaster} in place of Spring Modulith's {@code applicationEventMulticaster} bean
 * definition, before any bean is created. Spring Boot forbids two definitions of one name, so the starter cannot
 * simply declare its own: this post-processor removes Modulith's definition and registers the replacement under
 * the same name (an infrastructure bean, as Modulith's is).
 *
 * <p>The replacement is created by a static factory method whose parameters are autowired, not by an instance
 * supplier, so that Spring AOT can generate code for it: under {@code spring-boot:process-aot} this post-processor
 * runs at build time and the generated bean definitions already hold the replacement. When such an AOT-processed
 * context starts, this post-processor runs again, finds the replacement in place and leaves it.
 *
 * <p>Only Modulith's own {@link PersistentApplicationEventMulticaster} is replaced: any other multicaster bean
 * (the application's) is left alone. A Modulith version this integration was not built for stops start-up with
 * a message naming it ({@link #SUPPORTED_VERSIONS}).
 */
public final class ModulithMulticasterReplacer implements BeanFactoryPostProcessor {

	/** The Modulith release lines whose multicaster this integration extends (checked against the jar's version). */
	public static final List<String> SUPPORTED_VERSIONS = List.of("2.0", "2.1");

	static final String BEAN_NAME = AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME;

	private static final Logger logger = LoggerFactory.getLogger(ModulithMulticasterReplacer.class);

	private final Class<?> factoryClass;

	private final String factoryMethodName;

	private final String modulithVersion;

	/**
	 * @param factoryClass the class that declares the replacement's factory method
	 * @param factoryMethodName the name of that method: {@code static}, not overloaded, returning a
	 * {@link ModulithEventMulticaster}, its parameters autowired; called once, when the context creates its
	 * multicaster (a wrong name fails there, with Spring's message naming the class and method)
	 */
	public ModulithMulticasterReplacer(Class<?> factoryClass, String factoryMethodName) {
		this(factoryClass, factoryMethodName,
				PersistentApplicationEventMulticaster.class.getPackage().getImplementationVersion());
	}

	ModulithMulticasterReplacer(Class<?> factoryClass, String factoryMethodName, String modulithVersion) {
		this.factoryClass = Objects.requireNonNull(factoryClass, "factoryClass");
		this.factoryMethodName = Objects.requireNonNull(factoryMethodName, "factoryMethodName");
		this.modulithVersion = modulithVersion;
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		if (!beanFactory.containsBeanDefinition(BEAN_NAME)) {
			return;
		}
		Class<?> type = beanFactory.getType(BEAN_NAME, false);
		if (type == ModulithEventMulticaster.class) {
			return; // replaced already: an AOT-processed context carries the replacement in its generated definitions
		}
		if (type != PersistentApplicationEventMulticaster.class) {
			logger.info("The applicationEventMulticaster bean is {}, not Spring Modulith's: left as it is",
					(type != null) ? type.getName() : "of unknown type");
			return;
		}
		checkVersion(this.modulithVersion);
		if (!(beanFactory instanceof BeanDefinitionRegistry registry)) {
			throw new IllegalStateException("Cannot replace Spring Modulith's applicationEventMulticaster: the bean "
					+ "factory " + beanFactory.getClass().getName() + " is not a BeanDefinitionRegistry");
		}
		RootBeanDefinition replacement = new RootBeanDefinition(this.factoryClass);
		replacement.setUniqueFactoryMethodName(this.factoryMethodName);
		replacement.setTargetType(ModulithEventMulticaster.class);
		replacement.setAutowireMode(AbstractBeanDefinition.AUTOWIRE_CONSTRUCTOR);
		replacement.setRole(BeanDefinition.ROLE_INFRASTRUCTURE);
		registry.removeBeanDefinition(BEAN_NAME);
		registry.registerBeanDefinition(BEAN_NAME, replacement);
		logger.debug("Spring Modulith {}'s applicationEventMulticaster routes through the SelectorWakeQueue",
				this.modulithVersion);
	}

	/**
	 * Fails unless the version belongs to a supported release line. An unknown version (a repackaged jar without
	 * a manifest entry) is let through with a warning.
	 * @param version Spring Modulith's version, or {@code null}
	 * @throws IllegalStateException naming the version, what is supported, and the switch that turns the
	 * composition off
	 */
	static void checkVersion(String version) {
		if (version == null) {
			logger.warn("Spring Modulith's version is unknown (no Implementation-Version in its jar); composing with "
					+ "its event publication registry as with {}.x", SUPPORTED_VERSIONS);
			return;
		}
		for (String line : SUPPORTED_VERSIONS) {
			if (version.startsWith(line + ".")) {
				return;
			}
		}
		throw new IllegalStateException("Spring Modulith " + version + " is not supported by selector-wake-queue's "
				+ "Modulith integration (supported: " + String.join(".x, ", SUPPORTED_VERSIONS) + ".x). Use a "
				+ "supported Spring Modulith version, or set selector-wake-queue.events.modulith.enabled=false to keep "
				+ "Modulith's own applicationEventMulticaster (application events are then not routed through the "
				+ "queue).");
	}

}
