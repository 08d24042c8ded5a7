-- One row every committing test transaction updates: its row lock serializes those transactions, so the value each
-- one reads after its update is its commit order.
CREATE TABLE IF NOT EXISTS commit_counter (id INT PRIMARY KEY, next_value BIGINT NOT NULL);
MERGE INTO commit_counter KEY (id) VALUES (1, 0);
