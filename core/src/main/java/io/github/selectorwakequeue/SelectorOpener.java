package io.github.selectorwakequeue;

import java.io.IOException;
import java.nio.channels.Selector;

/**
 * Opens the reactor's selector: {@link Selector#open()} in production; a test installs one that fails, to check
 * how the queue lives through a selector it cannot open (too many open files).
 */
@FunctionalInterface
interface SelectorOpener {

	/** The JDK's default selector. */
	SelectorOpener DEFAULT = Selector::open;

	/**
	 * @return a new, open selector
	 * @throws IOException if none can be opened
	 */
	Selector open() throws IOException;

}
