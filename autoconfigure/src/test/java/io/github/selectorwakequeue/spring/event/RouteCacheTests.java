package io.github.selectorwakequeue.spring.event;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.autoconfigure.SelectorWakeQueueAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.ResolvableType;
import org.springframework.core.ResolvableTypeProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routes are cached by the classes an event's type follows from when it does, and by the full type otherwise: the
 * same payload class published with different type hints, or an event that provides its own generic type, still
 * reaches exactly the listeners of that type, event after event.
 */
class RouteCacheTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SelectorWakeQueueAutoConfiguration.class))
		.withBean(Listeners.class);

	@Test
	void theSamePayloadClassWithDifferentTypeHintsReachesTheListenersOfEachHint() {
		this.runner.run((context) -> {
			Listeners listeners = context.getBean(Listeners.class);
			for (int i = 0; i < 3; i++) {
				context.publishEvent(new Box<>("plain " + i)); // its type follows from its class: Box<?>
				context.publishEvent(new PayloadApplicationEvent<>(context, new Box<>("text " + i),
						ResolvableType.forClassWithGenerics(Box.class, String.class)));
				context.publishEvent(new PayloadApplicationEvent<>(context, new Box<>(i),
						ResolvableType.forClassWithGenerics(Box.class, Integer.class)));
			}
			assertThat(context.getBean(SelectorWakeQueue.class).awaitQuiescence(Duration.ofSeconds(10))).isTrue();
			assertThat(listeners.anyBox).hasSize(9);
			assertThat(listeners.stringBox).containsExactly("text 0", "text 1", "text 2");
			assertThat(listeners.integerBox).containsExactly(0, 1, 2);
		});
	}

	@Test
	void anEventThatProvidesItsOwnTypeReachesTheListenersOfThatType() {
		this.runner.run((context) -> {
			Listeners listeners = context.getBean(Listeners.class);
			for (int i = 0; i < 3; i++) {
				context.publishEvent(new Typed<>(context, "text " + i, String.class));
				context.publishEvent(new Typed<>(context, i, Integer.class));
			}
			assertThat(context.getBean(SelectorWakeQueue.class).awaitQuiescence(Duration.ofSeconds(10))).isTrue();
			assertThat(listeners.stringTyped).containsExactly("text 0", "text 1", "text 2");
			assertThat(listeners.integerTyped).containsExactly(0, 1, 2);
		});
	}

	record Box<T>(T value) {
	}

	static final class Typed<T> extends ApplicationEvent implements ResolvableTypeProvider {

		private final T value;

		private final Class<T> type;

		Typed(Object source, T value, Class<T> type) {
			super(source);
			this.value = value;
			this.type = type;
		}

		@Override
		public ResolvableType getResolvableType() {
			return ResolvableType.forClassWithGenerics(getClass(), this.type);
		}

	}

	static class Listeners {

		final List<Object> anyBox = new CopyOnWriteArrayList<>();

		final List<String> stringBox = new CopyOnWriteArrayList<>();

		final List<Integer> integerBox = new CopyOnWriteArrayList<>();

		final List<String> stringTyped = new CopyOnWriteArrayList<>();

		final List<Integer> integerTyped = new CopyOnWriteArrayList<>();

		@EventListener
		void anyBox(Box<?> box) {
			this.anyBox.add(box.value());
		}

		@EventListener
		void stringBox(Box<String> box) {
			this.stringBox.add(box.value());
		}

		@EventListener
		void integerBox(Box<Integer> box) {
			this.integerBox.add(box.value());
		}

		@EventListener
		void stringTyped(Typed<String> event) {
			this.stringTyped.add(event.value);
		}

		@EventListener
		void integerTyped(Typed<Integer> event) {
			this.integerTyped.add(event.value);
		}

	}

}
