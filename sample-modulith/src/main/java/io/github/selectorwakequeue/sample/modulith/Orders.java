package io.github.selectorwakequeue.sample.modulith;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Places orders, one transaction each. */
@Service
public class Orders {

	private final TransactionTemplate transactions;

	private final JdbcTemplate jdbc;

	private final ApplicationEventPublisher events;

	Orders(TransactionTemplate transactions, JdbcTemplate jdbc, ApplicationEventPublisher events) {
		this.transactions = transactions;
		this.jdbc = jdbc;
		this.events = events;
	}

	/**
	 * Takes the next order number (holding the counter row until commit) and publishes {@link OrderPlaced}.
	 * @return the order number, which is also its commit order
	 */
	public long place() {
		return this.transactions.execute((status) -> {
			this.jdbc.update("UPDATE order_counter SET next_value = next_value + 1 WHERE id = 1");
			long sequence = this.jdbc.queryForObject("SELECT next_value FROM order_counter WHERE id = 1", Long.class);
			this.events.publishEvent(new OrderPlaced(sequence));
			return sequence;
		});
	}

}
