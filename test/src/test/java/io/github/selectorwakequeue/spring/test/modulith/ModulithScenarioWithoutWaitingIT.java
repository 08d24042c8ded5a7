package io.github.selectorwakequeue.spring.test.modulith;

import java.util.UUID;

import io.github.selectorwakequeue.spring.test.EventDeliveryWaiter;
import io.github.selectorwakequeue.spring.test.modulith.ModulithTestApplication.OrderPlaced;
import io.github.selectorwakequeue.spring.test.modulith.ModulithTestApplication.Orders;
import io.github.selectorwakequeue.spring.test.modulith.ModulithTestApplication.Shipping;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.modulith.events.core.EventPublicationRegistry;
import org.springframework.modulith.test.EnableScenarios;
import org.springframework.modulith.test.Scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * With Spring Modulith and without {@code @AwaitEventDelivery}: a {@link Scenario} waits by polling, as without the
 * starter; the injected {@link EventDeliveryWaiter} waits for module listeners of committed transactions.
 */
@SpringBootTest(classes = ModulithTestApplication.class, properties = { ModulithTestApplication.DATABASE,
		ModulithTestApplication.SCHEMA })
@EnableScenarios
class ModulithScenarioWithoutWaitingIT {

	@Autowired
	private Orders orders;

	@Autowired
	private Shipping shipping;

	@Autowired
	private EventPublicationRegistry registry;

	@Autowired
	private EventDeliveryWaiter delivery;

	@Test
	void scenarioPollsUntilTheModuleListenerHasRun(Scenario scenario) {
		String id = UUID.randomUUID().toString();
		assertTimeoutPreemptively(ModulithTestApplication.BOUND,
				() -> scenario.publish(new OrderPlaced(id))
					.andWaitForStateChange(() -> this.shipping.announced().contains(id), Boolean::booleanValue)
					.andVerify((announced) -> assertThat(this.shipping.shipped()).contains(id)));
	}

	@Test
	void waiterCoversModuleListenersOfCommittedTransactions() {
		String id = UUID.randomUUID().toString();
		assertTimeoutPreemptively(ModulithTestApplication.BOUND, () -> {
			this.orders.place(id);
			this.delivery.awaitDelivery();
		});
		assertThat(this.shipping.shipped()).contains(id);
		assertThat(this.shipping.announced()).contains(id);
		assertThat(this.registry.findIncompletePublications()).isEmpty();
	}

}
