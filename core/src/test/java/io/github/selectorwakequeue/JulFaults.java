package io.github.selectorwakequeue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Makes logging fail the way a real logging back-end can, through the public route the queue's {@link System.Logger}
 * takes by default (java.util.logging): a handler on the queue's logger that throws for matching records, or one on
 * the root logger that blocks inside its {@code synchronized publish} (as {@code StreamHandler} does) while a test
 * holds it, so that every other thread logging through it waits for its monitor. Close it to remove the handler.
 */
final class JulFaults implements AutoCloseable {

	/** The logger the core logs through. */
	static final String CORE_LOGGER = SelectorWakeQueue.class.getName();

	private final Logger logger;

	private final Handler handler;

	private JulFaults(Logger logger, Handler handler) {
		this.logger = logger;
		this.handler = handler;
		logger.addHandler(handler);
	}

	/** Every record of the core's logger that matches throws {@code failure} from the handler. */
	static JulFaults throwing(Predicate<LogRecord> matching, RuntimeException failure) {
		return new JulFaults(Logger.getLogger(CORE_LOGGER), new Handler() {
			@Override
			public void publish(LogRecord logRecord) {
				if (matching.test(logRecord)) {
					throw failure;
				}
			}

			@Override
			public void flush() {
			}

			@Override
			public void close() {
			}
		});
	}

	/**
	 * A root handler whose {@code publish} is synchronized, like {@code StreamHandler}'s, and blocks holding its
	 * monitor when a record's message contains {@code blockOn}, until {@link Blocking#release()}.
	 */
	static Blocking blocking(String blockOn) {
		return new Blocking(blockOn);
	}

	@Override
	public void close() {
		this.logger.removeHandler(this.handler);
	}

	/** See {@link #blocking(String)}. */
	static final class Blocking implements AutoCloseable {

		final CountDownLatch entered = new CountDownLatch(1);

		private final CountDownLatch release = new CountDownLatch(1);

		private final JulFaults installed;

		Blocking(String blockOn) {
			this.installed = new JulFaults(Logger.getLogger(""), new Handler() {
				@Override
				public synchronized void publish(LogRecord logRecord) {
					String message = logRecord.getMessage();
					if (message != null && message.contains(blockOn) && release.getCount() > 0) {
						entered.countDown();
						try {
							release.await(30, TimeUnit.SECONDS);
						}
						catch (InterruptedException ex) {
							Thread.currentThread().interrupt();
						}
					}
				}

				@Override
				public void flush() {
				}

				@Override
				public void close() {
				}
			});
			this.installed.handler.setLevel(Level.ALL);
		}

		void release() {
			this.release.countDown();
		}

		@Override
		public void close() {
			release();
			this.installed.close();
		}

	}

}
