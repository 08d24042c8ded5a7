package io.github.selectorwakequeue.logback;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The child JVM of {@link ShutdownHookTests}: logs {@code args[0]} events through the Logback configuration given
 * by {@code -Dlogback.configurationFile}, then exits at once with {@code System.exit(0)}; Logback's
 * {@code <shutdownHook/>} must stop the context, and the appender flush, before the JVM is gone.
 */
public final class ShutdownHookChild {

	private ShutdownHookChild() {
	}

	public static void main(String[] args) {
		int events = Integer.parseInt(args[0]);
		Logger logger = LoggerFactory.getLogger(ShutdownHookChild.class);
		for (int i = 0; i < events; i++) {
			logger.info("event {}", i);
		}
		System.exit(0);
	}

}
