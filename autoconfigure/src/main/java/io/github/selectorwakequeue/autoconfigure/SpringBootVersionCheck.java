package io.github.selectorwakequeue.autoconfigure;

import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.SpringBootVersion;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Logs one WARN line when the application runs a Spring Boot version the starter is neither built nor tested
 * for: supported are 4.0 and 4.1 ({@code 4.0 <= version < 4.2}). It never throws and never stops start-up.
 * Registered in {@code META-INF/spring.factories} as an {@link ApplicationContextInitializer}, so it runs before
 * the context refreshes, and its warning comes before any failure the auto-configurations may cause on another
 * Boot line (Boot 3's classes live in other packages). It uses only {@link SpringBootVersion} and Spring
 * Framework types, which both lines have. Runs on the thread that starts the application, once per context.
 */
final class SpringBootVersionCheck implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	private static final Logger logger = LoggerFactory.getLogger(SpringBootVersionCheck.class);

	/** Major and minor version at the start: "4.1.2", "4.2.0-M1", "4.0.0-SNAPSHOT". */
	private static final Pattern MAJOR_MINOR = Pattern.compile("^(\\d+)\\.(\\d+)(?:\\D|$)");

	private static final int LOWEST_MAJOR = 4;

	private static final int LOWEST_MINOR = 0;

	/** First minor version of Boot 4 that is no longer supported. */
	private static final int MINOR_ABOVE_SUPPORTED = 2;

	private final Supplier<@Nullable String> version;

	SpringBootVersionCheck() {
		this(SpringBootVersion::getVersion);
	}

	/**
	 * Creates a check.
	 * @param version where to read the running Spring Boot version ({@code null} when unknown)
	 */
	SpringBootVersionCheck(Supplier<@Nullable String> version) {
		this.version = Objects.requireNonNull(version, "version");
	}

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		String running = this.version.get();
		if (running == null) {
			logger.debug("Spring Boot's version is unknown (no version information); not checked");
			return;
		}
		Matcher matcher = MAJOR_MINOR.matcher(running);
		if (!matcher.find()) {
			logger.debug("Spring Boot's version '{}' is not of the form major.minor; not checked", running);
			return;
		}
		if (!isSupported(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)))) {
			logger.warn("selector-wake-queue supports Spring Boot 4.0 and 4.1 (4.0 <= version < 4.2), but this "
					+ "application runs Spring Boot {}, which it is neither built nor tested for: its auto-configuration "
					+ "may fail or misbehave. Use Spring Boot 4.0.x or 4.1.x.", running);
		}
	}

	private static boolean isSupported(int major, int minor) {
		return major == LOWEST_MAJOR && minor >= LOWEST_MINOR && minor < MINOR_ABOVE_SUPPORTED;
	}

}
