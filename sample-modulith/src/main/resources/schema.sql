-- Every order transaction updates this row: the row lock orders the transactions, so the number each one reads is
-- its commit order.
CREATE TABLE IF NOT EXISTS order_counter (id INT PRIMARY KEY, next_value BIGINT NOT NULL);
MERGE INTO order_counter KEY (id) VALUES (1, 0);
