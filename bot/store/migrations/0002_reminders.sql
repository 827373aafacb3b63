-- quizbot schema, version 2: evening streak reminders.

-- The local day (YYYY-MM-DD, in the player's timezone) of the last reminder claimed for
-- a player: at most one reminder a day.
ALTER TABLE users ADD COLUMN reminded_day TEXT;

-- Players who can have a streak at risk (the reminder check scans only these).
CREATE INDEX users_streak_at_risk ON users (platform, last_active_day)
    WHERE reminders AND current_streak > 0;

-- A player's private chat (where reminders go).
CREATE INDEX chats_private_owner ON chats (owner_id) WHERE kind = 'private';
