package io.github.selectorwakequeue.spring.event;

import java.util.Map;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.context.integration.Slf4jThreadLocalAccessor;
import org.slf4j.MDC;

/**
 * Propagates everything registered with Micrometer's global {@link ContextRegistry} (tracing, observations,
 * user accessors) and, unless an SLF4J accessor is registered there already, the SLF4J {@link MDC}, which
 * context-propagation does not register by itself. Only loaded when context-propagation is on the class path.
 */
final class MicrometerEventContextPropagation implements EventContextPropagation {

	private final ContextSnapshotFactory snapshots = ContextSnapshotFactory.builder().build();

	private final boolean copyMdc;

	MicrometerEventContextPropagation(boolean mdcPresent) {
		this.copyMdc = mdcPresent && ContextRegistry.getInstance()
			.getThreadLocalAccessors()
			.stream()
			.noneMatch((accessor) -> Slf4jThreadLocalAccessor.KEY.equals(accessor.key()));
	}

	@Override
	public Object capture() {
		ContextSnapshot snapshot = this.snapshots.captureAll();
		// The default snapshot is a Map: an empty one has nothing to restore, skip it on the reactor.
		if (snapshot instanceof Map<?, ?> values && values.isEmpty()) {
			snapshot = null;
		}
		Map<String, String> mdc = this.copyMdc ? MDC.getCopyOfContextMap() : null;
		if (mdc != null && mdc.isEmpty()) {
			mdc = null;
		}
		return (snapshot != null || mdc != null) ? new Captured(snapshot, mdc) : null;
	}

	@Override
	public Scope restore(Object captured) {
		Captured context = (Captured) captured;
		ContextSnapshot.Scope snapshotScope = (context.snapshot() != null) ? context.snapshot().setThreadLocals() : null;
		Map<String, String> previousMdc = null;
		if (context.mdc() != null) {
			previousMdc = MDC.getCopyOfContextMap();
			MDC.setContextMap(context.mdc());
		}
		boolean mdcSet = context.mdc() != null;
		Map<String, String> mdcToRestore = previousMdc;
		return () -> {
			if (mdcSet) {
				if (mdcToRestore != null) {
					MDC.setContextMap(mdcToRestore);
				}
				else {
					MDC.clear();
				}
			}
			if (snapshotScope != null) {
				snapshotScope.close();
			}
		};
	}

	private record Captured(ContextSnapshot snapshot, Map<String, String> mdc) {
	}

}
