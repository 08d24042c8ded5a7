package io.github.selectorwakequeue.spring.event;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import io.github.selectorwakequeue.Lane;
import io.github.selectorwakequeue.SelectorWakeQueue;

import org.springframework.context.ApplicationListener;
import org.springframework.context.event.SmartApplicationListener;

/**
 * One {@link Lane} per listener, named after it: {@code Bean.method(Event)} for an {@code @EventListener} method (from
 * its listener id), the listener's class name otherwise; a second listener with the same name gets {@code #2}, and so
 * on. Keyed by the listener's identity (see {@link ListenerRegistry.Snapshot#identityOf}): every instance of a
 * prototype listener bean shares its bean's lane, so there are never more lanes than listeners. The names are metric
 * tags: one per listener of the application, never event data. A listener's lane is released once the listener is
 * removed (the queue forgets it when its backlog is empty). Thread-safe; called when a route is computed (once per event type), not per event.
 */
final class ListenerLanes {

	/** By identity (a listener's, or anything else work is keyed by, such as a module listener's {@link Method}). */
	private final Map<Object, Lane> lanes = new ConcurrentHashMap<>();

	private final Set<String> names = ConcurrentHashMap.newKeySet();

	/**
	 * The lane of a listener, or of anything else work is keyed by (a module listener's {@link Method}).
	 * @param identity what the lane belongs to: equal for all the work of one listener
	 * @param owner the listener, or the method, to name the lane after
	 * @param queue the queue that holds the lane
	 * @return its lane, created at the first call
	 */
	Lane laneOf(Object identity, Object owner, SelectorWakeQueue queue) {
		Lane lane = this.lanes.get(identity);
		if (lane == null) {
			lane = this.lanes.computeIfAbsent(identity, (absent) -> queue.lane(uniqueName(owner)));
		}
		return lane;
	}

	/**
	 * Forgets the lanes of listeners that are gone, so that neither their instances nor their names stay reachable
	 * from here, and releases them: the queue forgets each (and its meters go) once its last event has run.
	 * @param registered whether an identity still stands for a registered listener
	 */
	void forgetUnless(Predicate<Object> registered) {
		this.lanes.entrySet().removeIf((entry) -> {
			if (registered.test(entry.getKey())) {
				return false;
			}
			this.names.remove(entry.getValue().name());
			entry.getValue().release();
			return true;
		});
	}

	private String uniqueName(Object owner) {
		String base = (owner instanceof ApplicationListener<?> listener) ? nameOf(listener)
				: (owner instanceof Method method) ? nameOf(method) : owner.getClass().getName();
		String name = base;
		for (int n = 2; !this.names.add(name); n++) {
			name = base + "#" + n;
		}
		return name;
	}

	/** {@code Class.method(Param)} from a listener id such as {@code com.example.Orders.on(com.example.Placed)}. */
	static String nameOf(ApplicationListener<?> listener) {
		String id = (listener instanceof SmartApplicationListener smart) ? smart.getListenerId() : "";
		if (id.isEmpty()) {
			return listener.getClass().getName();
		}
		int paren = id.indexOf('(');
		String method = (paren >= 0) ? id.substring(0, paren) : id;
		String params = (paren >= 0) ? id.substring(paren) : "";
		return simpleName(method, 2) + simpleParams(params);
	}

	/** {@code Class.method(Param)} of a method. */
	static String nameOf(Method method) {
		StringBuilder params = new StringBuilder("(");
		Class<?>[] types = method.getParameterTypes();
		for (int i = 0; i < types.length; i++) {
			params.append((i > 0) ? "," : "").append(types[i].getSimpleName());
		}
		return method.getDeclaringClass().getSimpleName() + "." + method.getName() + params.append(')');
	}

	/** The last {@code parts} dot-separated segments, without the enclosing classes of a nested class. */
	private static String simpleName(String qualified, int parts) {
		int cut = qualified.length();
		for (int i = 0; i < parts && cut > 0; i++) {
			cut = qualified.lastIndexOf('.', cut - 1);
		}
		String simple = (cut > 0) ? qualified.substring(cut + 1) : qualified;
		int nested = simple.lastIndexOf('$');
		return (nested >= 0) ? simple.substring(nested + 1) : simple;
	}

	private static String simpleParams(String params) {
		if (params.length() <= 2) {
			return params;
		}
		StringBuilder simple = new StringBuilder("(");
		String[] types = params.substring(1, params.length() - 1).split(",");
		for (int i = 0; i < types.length; i++) {
			simple.append((i > 0) ? "," : "").append(simpleName(types[i].trim(), 1));
		}
		return simple.append(')').toString();
	}

}
