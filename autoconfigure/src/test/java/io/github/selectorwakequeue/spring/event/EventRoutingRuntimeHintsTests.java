package io.github.selectorwakequeue.spring.event;

import io.micrometer.context.ContextSnapshotFactory;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The native-image hints for what event routing looks up by name: registered when present, skipped when not.
 */
class EventRoutingRuntimeHintsTests {

	private final RuntimeHints hints = new RuntimeHints();

	@Test
	void registersEachTypeLookedUpByName() {
		new EventRoutingRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.reflection().onType(WebServerInitializedEvent.class)).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(ContextSnapshotFactory.class)).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(MDC.class)).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(EventListenerMethods.TARGET_METHOD))
			.accepts(this.hints);
	}

	@Test
	void theNamesAreTheOnesTheRoutingLooksUp() {
		assertThat(SynchronousEvents.WEB_SERVER_INITIALIZED_EVENT).isEqualTo(WebServerInitializedEvent.class.getName());
		assertThat(EventContextPropagation.CONTEXT_SNAPSHOT_FACTORY_CLASS).isEqualTo(ContextSnapshotFactory.class.getName());
		assertThat(EventContextPropagation.MDC_CLASS).isEqualTo(MDC.class.getName());
	}

	@Test
	void skipsTypesThatAreAbsentAtBuildTime() {
		new EventRoutingRuntimeHints().registerHints(this.hints,
				new FilteredClassLoader(WebServerInitializedEvent.class, ContextSnapshotFactory.class));
		assertThat(RuntimeHintsPredicates.reflection().onType(WebServerInitializedEvent.class)).rejects(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(ContextSnapshotFactory.class)).rejects(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(MDC.class)).accepts(this.hints);
	}

}
