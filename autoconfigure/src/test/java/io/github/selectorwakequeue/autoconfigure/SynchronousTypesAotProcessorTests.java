package io.github.selectorwakequeue.autoconfigure;

import java.util.EventObject;

import org.junit.jupiter.api.Test;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationCode;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.javapoet.ClassName;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * The classes listed in {@code selector-wake-queue.events.synchronous-types} at build time get a type hint, so that
 * binding the list works in a native image.
 */
class SynchronousTypesAotProcessorTests {

	@Test
	void registersEachListedClass() {
		RuntimeHints hints = process(new MockEnvironment().withProperty(SynchronousTypesAotProcessor.PROPERTY,
				"java.util.EventObject, " + Listed.class.getName()));
		assertThat(RuntimeHintsPredicates.reflection().onType(EventObject.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Listed.class)).accepts(hints);
	}

	@Test
	void readsAnIndexedListAsFromYaml() {
		RuntimeHints hints = process(new MockEnvironment()
			.withProperty(SynchronousTypesAotProcessor.PROPERTY + "[0]", Listed.class.getName()));
		assertThat(RuntimeHintsPredicates.reflection().onType(Listed.class)).accepts(hints);
	}

	@Test
	void skipsANameThatDoesNotResolve() {
		RuntimeHints hints = process(new MockEnvironment().withProperty(SynchronousTypesAotProcessor.PROPERTY,
				"com.example.NoSuchEvent," + Listed.class.getName()));
		assertThat(hints.reflection().typeHints()).singleElement()
			.satisfies((hint) -> assertThat(hint.getType().getName()).isEqualTo(Listed.class.getName()));
	}

	@Test
	void contributesNothingWithoutTheProperty() {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerSingleton("environment", new MockEnvironment());
		assertThat(new SynchronousTypesAotProcessor().processAheadOfTime(beanFactory)).isNull();
	}

	private static RuntimeHints process(MockEnvironment environment) {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerSingleton("environment", environment);
		BeanFactoryInitializationAotContribution contribution = new SynchronousTypesAotProcessor()
			.processAheadOfTime(beanFactory);
		assertThat(contribution).isNotNull();
		DefaultGenerationContext context = new DefaultGenerationContext(
				new ClassNameGenerator(ClassName.get("com.example", "Application")), new InMemoryGeneratedFiles());
		contribution.applyTo(context, mock(BeanFactoryInitializationCode.class));
		return context.getRuntimeHints();
	}

	static final class Listed extends EventObject {

		Listed(Object source) {
			super(source);
		}

	}

}
