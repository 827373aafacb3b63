-- quizbot schema, version 4: who saw a group question's answer before answering it
-- ("Answer by DM"). Such a member's later answer still counts for their streak and
-- memory, but earns no points, so the leaderboard stays fair.

CREATE TABLE peeks (
    delivery_id INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    peeked_at TEXT NOT NULL,
    PRIMARY KEY (delivery_id, user_id)
);
