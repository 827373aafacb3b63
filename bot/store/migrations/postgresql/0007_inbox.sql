-- quizbot schema, version 7 (PostgreSQL): the Telegram update inbox; see ../0007_inbox.sql.

CREATE TABLE inbox (
    update_id BIGINT PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'done', 'set_aside')),
    received_at TEXT NOT NULL,
    finished_at TEXT
);

CREATE INDEX inbox_pending ON inbox (update_id) WHERE status = 'pending';
CREATE INDEX inbox_finished ON inbox (finished_at) WHERE status = 'done';
