-- quizbot schema, version 11 (PostgreSQL): the shared send sequence of replicas; see
-- ../0011_send_pace.sql.

CREATE TABLE send_pace (
    platform TEXT PRIMARY KEY,
    next_at DOUBLE PRECISION NOT NULL
);
