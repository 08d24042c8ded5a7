package io.github.selectorwakequeue.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches unless {@code selector-wake-queue.enabled} is {@code false}. Unlike a plain boolean-property condition,
 * a value that is not a boolean ({@code maybe}) stops start-up with a report naming it (through
 * {@link SelectorWakeQueueFailureAnalyzer}) instead of quietly switching the starter off.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
@Documented
@Conditional(ConditionalOnQueueEnabled.OnQueueEnabledCondition.class)
@interface ConditionalOnQueueEnabled {

	/** Binds the switch as Boot binds the properties, so a bad value fails the same way. */
	final class OnQueueEnabledCondition extends SpringBootCondition {

		static final String PROPERTY = SelectorWakeQueueProperties.PREFIX + ".enabled";

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			boolean enabled = Binder.get(context.getEnvironment()).bind(PROPERTY, Boolean.class).orElse(true);
			return enabled ? ConditionOutcome.match(PROPERTY + " is true or not set")
					: ConditionOutcome.noMatch(PROPERTY + " is false");
		}

	}

}
