-- quizbot schema, version 4 (PostgreSQL): who saw a group question's answer before
-- answering it; see ../0004_peeks.sql.

CREATE TABLE peeks (
    delivery_id BIGINT NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    peeked_at TEXT NOT NULL,
    PRIMARY KEY (delivery_id, user_id)
);
