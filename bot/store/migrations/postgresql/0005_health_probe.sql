-- quizbot schema, version 5 (PostgreSQL): the row the health check rewrites; see
-- ../0005_health_probe.sql.

CREATE TABLE health_probe (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    written_at TEXT NOT NULL
);
