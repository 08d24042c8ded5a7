package io.github.selectorwakequeue.sample;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * Demonstrates nothing about the queue: it logs, once the web server listens, the {@code curl}
 * commands to try, with the port actually bound ({@code server.port=0} included).
 * {@link WebServerInitializedEvent} is one of the events the starter keeps on the publisher's thread.
 */
@Component
class TryItLog implements ApplicationListener<WebServerInitializedEvent> {

	private static final Logger logger = LoggerFactory.getLogger(TryItLog.class);

	private static final String TRY_IT = """
			Try the selector-wake-queue sample (pid {pid}), live dashboard at {base}/ :
			  curl -s -X POST '{base}/tasks?count=1000'
			  curl -s -X POST '{base}/orders?item=book&quantity=2'
			  curl -s -X POST '{base}/burst?events=20000&threads=4'
			  curl -s -X POST {base}/hazards/gc
			  kill -WINCH {pid} ; curl -s {base}/hazards/signal
			  curl -s -X POST {base}/hazards/interrupted
			  curl -s -X POST {base}/hazards/reentrant
			  curl -s -X POST '{base}/hazards/stall?seconds=15' ; sleep {afterStall} ; curl -s {base}/actuator/health/selectorWakeQueue
			  curl -s {base}/actuator/wakequeue
			  curl -s {base}/actuator/prometheus | grep wakequeue_""";

	/** Seconds from the stall to the suggested health check: past the stall threshold, so that it shows DOWN. */
	private final long afterStall;

	TryItLog(@Value("${selector-wake-queue.health.stall-threshold:10s}") Duration stallThreshold) {
		this.afterStall = stallThreshold.toSeconds() + 1;
	}

	@Override
	public void onApplicationEvent(WebServerInitializedEvent event) {
		if (event.getApplicationContext().getServerNamespace() != null) {
			return; // a separate management server, if configured: the lines below name the main one
		}
		String base = "http://localhost:" + event.getWebServer().getPort();
		String pid = String.valueOf(ProcessHandle.current().pid());
		logger.info(TRY_IT.replace("{base}", base).replace("{pid}", pid)
			.replace("{afterStall}", String.valueOf(this.afterStall)));
	}

}
