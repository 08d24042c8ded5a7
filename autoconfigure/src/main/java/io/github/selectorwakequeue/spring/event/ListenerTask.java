package io.github.selectorwakequeue.spring.event;

import java.lang.reflect.Method;
import java.util.Objects;

import io.github.selectorwakequeue.FanOut;
import io.github.selectorwakequeue.Lane;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One piece of work that belongs to one listener, routed like an event delivery, in that listener's {@link Lane}:
 * for example the invocation of a Spring Modulith module listener after its transaction committed. Created by {@link EventRouter#prepare} on the
 * thread whose context (MDC, tracing) it carries, run by {@link EventRouter#submit} on the reactor. Runs once.
 */
public final class ListenerTask implements FanOut {

	private static final Logger logger = LoggerFactory.getLogger(ListenerTask.class);

	private final EventRouter router;

	private final Object lane;

	private final Lane queueLane;

	private final Runnable action;

	private final Object context;

	ListenerTask(EventRouter router, Object lane, Lane queueLane, Runnable action, Object context) {
		this.router = router;
		this.lane = Objects.requireNonNull(lane, "lane");
		this.queueLane = queueLane;
		this.action = Objects.requireNonNull(action, "action");
		this.context = context;
	}

	/** One part, in the listener's lane of the queue (none when there is no queue: it then runs where submitted). */
	@Override
	public int parts() {
		return (this.queueLane != null) ? 1 : 0;
	}

	@Override
	public Lane lane(int index) {
		return this.queueLane;
	}

	@Override
	public void runPart(int index) {
		run();
	}

	/**
	 * @return what the task belongs to: tasks of one lane run one at a time, in the order submitted
	 */
	public Object lane() {
		return this.lane;
	}

	/**
	 * Runs the action with the captured context restored.
	 * @throws RuntimeException what the action threw, unless the user's {@code ErrorHandler} took it; the queue
	 * logs and counts it
	 */
	@Override
	public void run() {
		this.router.runTask(this.action, this.queueLane, this.context);
	}

	/** Runs the task on the calling thread (closed queue, rejection, leftovers at close). Never throws. */
	void runOnCurrentThread() {
		try {
			run();
		}
		catch (Throwable ex) {
			logger.error("Running {} on thread '{}' failed", this, Thread.currentThread().getName(), ex);
		}
	}

	/** Names the listener as its lane does ({@code Bean.method(Event)}), never the work's arguments. */
	@Override
	public String toString() {
		String name = (this.queueLane != null) ? this.queueLane.name()
				: (this.lane instanceof Method method) ? ListenerLanes.nameOf(method) : String.valueOf(this.lane);
		return "task of listener '" + name + "'";
	}

}
