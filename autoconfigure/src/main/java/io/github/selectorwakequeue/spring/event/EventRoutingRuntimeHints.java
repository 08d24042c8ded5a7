package io.github.selectorwakequeue.spring.event;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Native-image hints for the classes event routing looks up by name because they are optional: Boot's
 * {@code WebServerInitializedEvent} ({@link SynchronousEvents}), and Micrometer's {@code ContextSnapshotFactory} and
 * SLF4J's {@code MDC} ({@link EventContextPropagation}). Each is registered as a type, without members, when it is
 * present at build time, so that the lookup finds it in the image as it does on the JVM. And Spring's
 * {@code ApplicationListenerMethodAdapter.getTargetMethod()}, which {@link EventListenerMethods} calls reflectively
 * (it is protected before Spring Framework 7.0.7). Registered in
 * {@code META-INF/spring/aot.factories}; used by Spring AOT at build time only.
 *
 * <p>Everything else the starter needs in a native image is registered by Spring and Boot themselves: the beans
 * and configuration properties, the endpoint's response records (Boot's {@code @ReadOperation} processing), and
 * the constructors of the {@code spring.factories} entries.
 */
final class EventRoutingRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		ReflectionHints reflection = hints.reflection();
		for (String type : new String[] { SynchronousEvents.WEB_SERVER_INITIALIZED_EVENT,
				EventContextPropagation.CONTEXT_SNAPSHOT_FACTORY_CLASS, EventContextPropagation.MDC_CLASS }) {
			reflection.registerTypeIfPresent(classLoader, type, (hint) -> {
			});
		}
		reflection.registerMethod(EventListenerMethods.TARGET_METHOD, ExecutableMode.INVOKE);
	}

}
