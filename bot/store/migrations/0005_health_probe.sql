-- quizbot schema, version 5: one row the health check rewrites every half minute, so
-- that /healthz reports a database that can no longer be written (a full disk, a
-- read-only or deleted file) even while nobody plays.

CREATE TABLE health_probe (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    written_at TEXT NOT NULL
);
