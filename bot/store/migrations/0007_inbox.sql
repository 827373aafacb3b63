-- quizbot schema, version 7: the Telegram update inbox.
--
-- Every update is written here before Telegram is told it arrived (the next getUpdates
-- offset, or the webhook's 200), and marked once it was handled. At start the pending
-- ones are handled first, so neither a crash nor a stop loses an update Telegram will
-- not send again. An update that cannot be read or handled is set aside, not retried.
-- A handled update keeps only its id (to recognise a repeat), never its content.

CREATE TABLE inbox (
    update_id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'done', 'set_aside')),
    received_at TEXT NOT NULL,
    finished_at TEXT
);

CREATE INDEX inbox_pending ON inbox (update_id) WHERE status = 'pending';
CREATE INDEX inbox_finished ON inbox (finished_at) WHERE status = 'done';
