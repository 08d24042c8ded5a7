package io.github.selectorwakequeue.autoconfigure;

import io.github.selectorwakequeue.spring.actuate.SelectorWakeQueueEndpoint;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.annotation.ReflectiveRuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.AotServices;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a native image of an application with the starter gets, collected as Spring AOT collects it: from every
 * {@code META-INF/spring/aot.factories} on the class path (ours, Spring's and Boot's) and from the endpoint's
 * annotations.
 */
class SelectorWakeQueueRuntimeHintsTests {

	private final ClassLoader classLoader = getClass().getClassLoader();

	@Test
	void aotFactoriesRegisterTheHintsAndTheSynchronousTypesProcessor() {
		assertThat(AotServices.factories(this.classLoader).load(RuntimeHintsRegistrar.class).asList())
			.anyMatch((registrar) -> registrar.getClass()
				.getName()
				.equals("io.github.selectorwakequeue.spring.event.EventRoutingRuntimeHints"));
		assertThat(AotServices.factories(this.classLoader).load(BeanFactoryInitializationAotProcessor.class).asList())
			.hasAtLeastOneElementOfType(SynchronousTypesAotProcessor.class);
	}

	@Test
	void theClassPathsRegistrarsCoverTheByNameLookupsAndTheSpringFactoriesEntries() throws Exception {
		RuntimeHints hints = new RuntimeHints();
		AotServices.factories(this.classLoader)
			.load(RuntimeHintsRegistrar.class)
			.forEach((registrar) -> registrar.registerHints(hints, this.classLoader));
		assertThat(RuntimeHintsPredicates.reflection().onType(WebServerInitializedEvent.class)).accepts(hints);
		// META-INF/spring.factories: Spring's own registrar makes their constructors invocable.
		assertThat(RuntimeHintsPredicates.reflection()
			.onConstructorInvocation(SelectorWakeQueueFailureAnalyzer.class.getDeclaredConstructor())).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onConstructorInvocation(SpringBootVersionCheck.class.getDeclaredConstructor())).accepts(hints);
	}

	@Test
	void bootRegistersTheEndpointsResponseRecordsForJackson() {
		RuntimeHints hints = new RuntimeHints();
		new ReflectiveRuntimeHintsRegistrar().registerRuntimeHints(hints, SelectorWakeQueueEndpoint.class);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(SelectorWakeQueueEndpoint.class, "describe"))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(SelectorWakeQueueEndpoint.QueueDescriptor.class, "lanes")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(SelectorWakeQueueEndpoint.LaneDescriptor.class, "listener")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(SelectorWakeQueueEndpoint.EventCounts.class, "async")).accepts(hints);
	}

}
