package io.github.selectorwakequeue.spring.test;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.selectorwakequeue.SelectorWakeQueue;
import io.github.selectorwakequeue.spring.test.DeliveryTestApplication.Gate;
import io.github.selectorwakequeue.spring.test.DeliveryTestApplication.Held;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationEventPublisher;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A wait of {@link AwaitEventDelivery} that times out fails at the {@code publishEvent} that started it, naming what
 * still runs. Bounded as {@link AwaitEventDeliveryTests} explains.
 */
@SpringBootTest(classes = DeliveryTestApplication.class)
@AwaitEventDelivery(timeout = "300ms")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AwaitEventDeliveryTimeoutTests {

	@Autowired
	private ApplicationEventPublisher events;

	@Autowired
	private Gate gate;

	@Autowired
	private SelectorWakeQueue queue;

	@Test
	void waitThatTimesOutFailsAtThePublishNamingTheListenerStillRunningAndWhere() {
		this.gate.close();
		try {
			assertThatExceptionOfType(AssertionError.class)
				.isThrownBy(() -> this.events.publishEvent(new Held(UUID.randomUUID().toString())))
				.withMessageStartingWith("Event delivery on queue '" + this.queue.name() + "' did not finish within "
						+ "PT0.3S after publishEvent(Held) on the test thread. Still running or waiting:\n")
				.withMessageContaining("\n- listener Gate.hold(Held): STUCK, running for ")
				.withMessageContaining("\n    at io.github.selectorwakequeue.spring.test.DeliveryTestApplication$Gate.hold(")
				.withMessageContaining("\n- reactor '");
		}
		finally {
			this.gate.open();
		}
	}

}
