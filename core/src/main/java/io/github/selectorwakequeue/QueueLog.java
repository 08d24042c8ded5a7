package io.github.selectorwakequeue;

/**
 * The queue's logger: a {@link System.Logger} (by default the one named after {@link SelectorWakeQueue}, which
 * goes wherever the application's logging goes), called only where nothing depends on the call returning. Logging
 * is a call out of the queue like any other: a back-end may throw, or block on a lock a stuck task holds. So every
 * log call is guarded (whatever it throws is dropped here), and the protocols call it last, after every step that
 * matters has been taken, holding nothing. Thread-safe.
 */
final class QueueLog {

	private final System.Logger logger;

	QueueLog(System.Logger logger) {
		this.logger = logger;
	}

	/** The default: {@code System.getLogger("io.github.selectorwakequeue.SelectorWakeQueue")}. */
	static QueueLog system() {
		return new QueueLog(System.getLogger(SelectorWakeQueue.class.getName()));
	}

	/** Logs a message; never throws. */
	void log(System.Logger.Level level, String message) {
		try {
			this.logger.log(level, message);
		}
		catch (Throwable ignored) {
			// a failing logging back-end: the queue carries on regardless
		}
	}

	/** Logs a message with a throwable; never throws. */
	void log(System.Logger.Level level, String message, Throwable thrown) {
		try {
			this.logger.log(level, message, thrown);
		}
		catch (Throwable ignored) {
			// as above
		}
	}

	/** Whether a message at that level would be logged; {@code false} if the back-end cannot even say. */
	boolean isLoggable(System.Logger.Level level) {
		try {
			return this.logger.isLoggable(level);
		}
		catch (Throwable ex) {
			return false;
		}
	}

}
