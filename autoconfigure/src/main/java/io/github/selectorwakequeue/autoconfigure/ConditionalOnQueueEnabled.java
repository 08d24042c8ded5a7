package io.github.selectorwakequeue.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.IgnoreErrorsBindHandler;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches unless {@code selector-wake-queue.enabled} is {@code false}. Unlike a plain boolean-property condition,
 * a value that is not a boolean ({@code maybe}) does not quietly switch the starter off: the condition matches, and
 * the binding of {@link SelectorWakeQueueProperties} then stops start-up with a report naming it, together with any
 * other invalid property (through {@link SelectorWakeQueueFailureAnalyzer}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
@Documented
@Conditional(ConditionalOnQueueEnabled.OnQueueEnabledCondition.class)
@interface ConditionalOnQueueEnabled {

	/** Binds the switch as Boot binds the properties; only a value that converts to {@code false} switches off. */
	final class OnQueueEnabledCondition extends SpringBootCondition {

		static final String PROPERTY = SelectorWakeQueueProperties.PREFIX + ".enabled";

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			boolean enabled = Binder.get(context.getEnvironment())
				.bind(PROPERTY, Bindable.of(Boolean.class), new IgnoreErrorsBindHandler())
				.orElse(true);
			return enabled ? ConditionOutcome.match(PROPERTY + " is not false")
					: ConditionOutcome.noMatch(PROPERTY + " is false");
		}

	}

}
