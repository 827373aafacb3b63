-- quizbot schema, version 2 (PostgreSQL): evening streak reminders; see ../0002_reminders.sql.

ALTER TABLE users ADD COLUMN reminded_day TEXT;

CREATE INDEX users_streak_at_risk ON users (platform, last_active_day)
    WHERE reminders <> 0 AND current_streak > 0;

CREATE INDEX chats_private_owner ON chats (owner_id) WHERE kind = 'private';
