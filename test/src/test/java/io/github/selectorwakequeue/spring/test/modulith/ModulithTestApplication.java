package io.github.selectorwakequeue.spring.test.modulith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.selectorwakequeue.spring.test.ListenerWork;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An application with Spring Modulith's JDBC publication registry (H2) and the starter composed in: orders are
 * placed in a transaction; a module listener ships each (5 ms) after the commit, on the queue, and announces it; a
 * plain listener records the announcement.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class ModulithTestApplication {

	static final String DATABASE = "spring.datasource.url=jdbc:h2:mem:modulith-delivery;DB_CLOSE_DELAY=-1";

	static final String SCHEMA = "spring.modulith.events.jdbc.schema-initialization.enabled=true";

	static final Duration BOUND = Duration.ofSeconds(30);

	@Bean
	Orders orders(TransactionTemplate transactions, ApplicationEventPublisher events) {
		return new Orders(transactions, events);
	}

	@Bean
	Shipping shipping(ApplicationEventPublisher events) {
		return new Shipping(events);
	}

	record OrderPlaced(String id) {
	}

	record OrderShipped(String id) {
	}

	/** Places an order: publishes {@link OrderPlaced} in a transaction of its own. */
	static class Orders {

		private final TransactionTemplate transactions;

		private final ApplicationEventPublisher events;

		Orders(TransactionTemplate transactions, ApplicationEventPublisher events) {
			this.transactions = transactions;
			this.events = events;
		}

		void place(String id) {
			this.transactions.executeWithoutResult((status) -> this.events.publishEvent(new OrderPlaced(id)));
		}

	}

	/** The module listener and the plain listener of its announcement. Public methods: the bean is proxied. */
	static class Shipping {

		private final ApplicationEventPublisher events;

		private final List<String> shipped = new CopyOnWriteArrayList<>();

		private final List<String> announced = new CopyOnWriteArrayList<>();

		Shipping(ApplicationEventPublisher events) {
			this.events = events;
		}

		@ApplicationModuleListener
		public void ship(OrderPlaced order) {
			ListenerWork.spend(ListenerWork.PER_EVENT);
			this.shipped.add(order.id());
			this.events.publishEvent(new OrderShipped(order.id()));
		}

		@EventListener
		public void announce(OrderShipped shipped) {
			this.announced.add(shipped.id());
		}

		public List<String> shipped() {
			return this.shipped;
		}

		public List<String> announced() {
			return this.announced;
		}

	}

}
