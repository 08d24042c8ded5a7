package io.github.selectorwakequeue.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationPropertiesBindHandlerAdvisor;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;

/**
 * Lets one binding of {@link SelectorWakeQueueProperties} report every invalid value at once. Spring Boot stops
 * binding at the first value it cannot convert, so {@code overflow-policy=bogus shutdown-timeout=abc capacity=0}
 * would report only {@code bogus}. Below the {@code selector-wake-queue} prefix this handler notes a value it cannot
 * convert (with its origin) and lets binding go on with the default; when the binding of the prefix finishes, after
 * validation, it throws one {@link InvalidPropertiesException} listing the unconvertible values with those the
 * validation rejected. Other prefixes are left to the handlers it wraps. One instance per binding (Boot asks the
 * {@link #advisor() advisor} for a handler each time it binds), not thread-safe.
 */
final class InvalidPropertiesBindHandler extends AbstractBindHandler {

	private static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName
		.of(SelectorWakeQueueProperties.PREFIX);

	private final List<InvalidProperty> unconvertible = new ArrayList<>();

	private InvalidPropertiesBindHandler(BindHandler parent) {
		super(parent);
	}

	/**
	 * @return the advisor that adds this handler to every binding of {@code @ConfigurationProperties}
	 */
	static ConfigurationPropertiesBindHandlerAdvisor advisor() {
		return InvalidPropertiesBindHandler::new;
	}

	@Override
	public @Nullable Object onFailure(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
			Exception error) throws Exception {
		if (!PREFIX.isAncestorOf(name)) {
			return super.onFailure(name, target, context, error);
		}
		this.unconvertible.add(InvalidProperty.unconvertible(name, context.getConfigurationProperty(), target.getType()));
		return null; // not bound: the property keeps its default, and binding goes on with the next one
	}

	@Override
	public void onFinish(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
			@Nullable Object result) throws Exception {
		if (!PREFIX.equals(name)) {
			super.onFinish(name, target, context, result);
			return;
		}
		List<InvalidProperty> invalid = new ArrayList<>(this.unconvertible);
		try {
			super.onFinish(name, target, context, result);
		}
		catch (BindValidationException ex) {
			invalid.addAll(InvalidProperty.rejected(ex));
		}
		if (!invalid.isEmpty()) {
			throw new InvalidPropertiesException(invalid);
		}
	}

}
