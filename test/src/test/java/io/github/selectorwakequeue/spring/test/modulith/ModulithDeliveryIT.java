package io.github.selectorwakequeue.spring.test.modulith;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.selectorwakequeue.spring.test.AwaitEventDelivery;
import io.github.selectorwakequeue.spring.test.modulith.ModulithTestApplication.OrderPlaced;
import io.github.selectorwakequeue.spring.test.modulith.ModulithTestApplication.Orders;
import io.github.selectorwakequeue.spring.test.modulith.ModulithTestApplication.Shipping;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.modulith.events.core.EventPublicationRegistry;
import org.springframework.modulith.test.EnableScenarios;
import org.springframework.modulith.test.Scenario;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With Spring Modulith: a module listener runs on the queue only after the commit, and {@link AwaitEventDelivery}
 * waits for it once the test thread's transaction has committed, so the test asserts on the next line; with a
 * {@link Scenario}, that wait happens inside its stimulus, and the Scenario's own polling (with its own timeout) then
 * finds the outcome at its first look. Bounded by JUnit's same-thread {@code @Timeout} (see the plain Spring tests).
 */
@SpringBootTest(classes = ModulithTestApplication.class, properties = { ModulithTestApplication.DATABASE,
		ModulithTestApplication.SCHEMA })
@EnableScenarios
@AwaitEventDelivery
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ModulithDeliveryIT {

	@Autowired
	private Orders orders;

	@Autowired
	private Shipping shipping;

	@Autowired
	private EventPublicationRegistry registry;

	/** README's example with a module listener that takes 5 ms. */
	@RepeatedTest(20)
	void moduleListenerAndWhatItPublishedHaveRunWhenTheTransactionReturns() {
		String id = UUID.randomUUID().toString();
		this.orders.place(id);
		assertThat(this.shipping.shipped()).contains(id);
		assertThat(this.shipping.announced()).contains(id);
		assertThat(this.registry.findIncompletePublications()).isEmpty();
	}

	@Test
	void scenarioFindsTheOutcomeAtItsFirstLookAfterThePublishWaited(Scenario scenario) {
		String id = UUID.randomUUID().toString();
		scenario.stimulate((transactions, events) -> {
			transactions.executeWithoutResult((status) -> events.publishEvent(new OrderPlaced(id)));
			return this.shipping.announced().contains(id);
		})
			.customize((conditions) -> conditions.pollDelay(Duration.ZERO))
			.andWaitForStateChange(() -> this.shipping.announced().contains(id), Boolean::booleanValue)
			.andVerify((announced, deliveredWhenTheStimulusReturned) -> {
				assertThat(announced).isTrue();
				assertThat(deliveredWhenTheStimulusReturned).isTrue();
			});
	}

	@Test
	void scenarioPublishWorksAsUsual(Scenario scenario) {
		String id = UUID.randomUUID().toString();
		scenario.publish(new OrderPlaced(id))
			.andWaitForStateChange(() -> this.shipping.announced().contains(id), Boolean::booleanValue)
			.andVerify((announced) -> assertThat(this.shipping.shipped()).contains(id));
	}

}
