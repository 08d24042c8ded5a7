package io.github.selectorwakequeue.sample.orders;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Demonstrates publishing from inside a transaction: the order row and the {@link OrderPlaced} event
 * belong to one H2 transaction. {@code publishEvent} returns at once; ordinary listeners run later on
 * the reactor, while {@code @TransactionalEventListener}s stay bound to this transaction.
 */
@Service
class OrderService {

	private final JdbcClient jdbc;

	private final ApplicationEventPublisher events;

	OrderService(JdbcClient jdbc, ApplicationEventPublisher events) {
		this.jdbc = jdbc;
		this.events = events;
	}

	@Transactional
	long place(String item, int quantity) {
		KeyHolder key = new GeneratedKeyHolder();
		this.jdbc.sql("insert into orders (item, quantity) values (?, ?)").params(item, quantity).update(key, "id");
		long orderId = key.getKey().longValue();
		this.events.publishEvent(new OrderPlaced(orderId, item, quantity));
		return orderId;
	}

	boolean isStored(long orderId) {
		return this.jdbc.sql("select count(*) from orders where id = ?").param(orderId).query(Long.class).single() == 1;
	}

}
