package io.github.selectorwakequeue.spring.event;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.selectorwakequeue.Lane;
import io.github.selectorwakequeue.SelectorWakeQueue;

import org.springframework.context.ApplicationListener;
import org.springframework.context.event.SmartApplicationListener;

/**
 * One {@link Lane} per listener (or per module-listener method), named after it: {@code Bean.method(Event)} for an {@code @EventListener}
 * method (from its listener id), the listener's class name otherwise; a second listener with the same name gets
 * {@code #2}, and so on. The names are metric tags: one per listener of the application, never event data.
 * Thread-safe; called when a route is computed (once per event type), not per event.
 */
final class ListenerLanes {

	/**
	 * By listener identity (two listeners never share a lane, whatever their equals), or by equality for other keys
	 * ({@link Method}s are copied by reflection, so only equal, not identical).
	 */
	private final Map<Object, Lane> lanes = new ConcurrentHashMap<>();

	private final Set<String> names = ConcurrentHashMap.newKeySet();

	/**
	 * The lane of a listener, or of anything else work is keyed by (a module listener's {@link Method}).
	 */
	Lane laneOf(Object owner, SelectorWakeQueue queue) {
		Object key = (owner instanceof ApplicationListener<?>) ? new IdentityKey(owner) : owner;
		Lane lane = this.lanes.get(key);
		if (lane == null) {
			lane = this.lanes.computeIfAbsent(key, (absent) -> queue.lane(uniqueName(owner)));
		}
		return lane;
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

	private record IdentityKey(Object owner) {

		@Override
		public boolean equals(Object other) {
			return other instanceof IdentityKey key && key.owner == this.owner;
		}

		@Override
		public int hashCode() {
			return System.identityHashCode(this.owner);
		}

	}

}
