-- quizbot schema, version 1.
-- Times are UTC ISO-8601 strings with offset; local days are ISO dates (YYYY-MM-DD).
-- Chats and users are keyed by (platform, external_id): a Telegram chat and a Discord
-- channel with the same number are different rows.

CREATE TABLE chats (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    external_id INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('private', 'group')),
    title TEXT NOT NULL DEFAULT '',
    timezone TEXT NOT NULL,
    push_time TEXT NOT NULL,
    reveal_after_minutes INTEGER NOT NULL DEFAULT 240,
    question_filter TEXT,
    thread_id INTEGER,
    owner_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    subscribed INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    UNIQUE (platform, external_id)
);
CREATE INDEX chats_schedule ON chats (push_time, timezone) WHERE subscribed AND active;

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    external_id INTEGER NOT NULL,
    display_name TEXT NOT NULL,
    timezone TEXT,
    reminders INTEGER NOT NULL DEFAULT 1,
    current_streak INTEGER NOT NULL DEFAULT 0,
    longest_streak INTEGER NOT NULL DEFAULT 0,
    last_active_day TEXT,
    freezes INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    UNIQUE (platform, external_id)
);

CREATE TABLE streak_freezes (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    PRIMARY KEY (user_id, day)
);

CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('daily', 'asked')),
    local_day TEXT NOT NULL,
    asked_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    status TEXT NOT NULL CHECK (status IN ('claimed', 'sent', 'unknown', 'failed')),
    claimed_at TEXT NOT NULL,
    sent_at TEXT,
    message_id INTEGER,
    thread_id INTEGER,
    poll_id TEXT,
    reveal_at TEXT,
    revealed_at TEXT,
    closed_at TEXT
);
-- The heart of "one daily question per chat per local day, across crashes".
CREATE UNIQUE INDEX deliveries_daily_once ON deliveries (chat_id, local_day) WHERE kind = 'daily';
CREATE INDEX deliveries_by_message ON deliveries (chat_id, message_id);
CREATE INDEX deliveries_by_chat_time ON deliveries (chat_id, claimed_at);
CREATE INDEX deliveries_by_poll ON deliveries (poll_id) WHERE poll_id IS NOT NULL;
CREATE INDEX deliveries_unsent ON deliveries (status) WHERE status = 'claimed';
CREATE INDEX deliveries_to_reveal ON deliveries (reveal_at) WHERE revealed_at IS NULL AND reveal_at IS NOT NULL;

CREATE TABLE attempts (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    chat_id INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    delivery_id INTEGER REFERENCES deliveries (id) ON DELETE SET NULL,
    source_key TEXT NOT NULL,
    answer TEXT NOT NULL,
    score REAL NOT NULL,
    covered TEXT NOT NULL,
    points INTEGER NOT NULL,
    local_day TEXT NOT NULL,
    answered_at TEXT NOT NULL,
    UNIQUE (chat_id, source_key)
);
CREATE INDEX attempts_by_user ON attempts (user_id, answered_at);
CREATE INDEX attempts_by_user_question ON attempts (user_id, question_id);
CREATE INDEX attempts_by_delivery ON attempts (delivery_id, user_id);
CREATE INDEX attempts_by_chat_question ON attempts (chat_id, question_id);

-- Running totals per group member and period ('all' or the Monday of a local week),
-- kept with each attempt so a leaderboard never scans attempts.
CREATE TABLE scores (
    chat_id INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    period TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    points INTEGER NOT NULL,
    reached_at TEXT NOT NULL,
    PRIMARY KEY (chat_id, period, user_id)
);
-- Ordered exactly as a leaderboard ranks (ties: earlier, then lower user id), so the
-- top 10 is read straight off the index.
CREATE INDEX scores_ranking ON scores (chat_id, period, points DESC, reached_at, user_id);

CREATE TABLE cards (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    card TEXT NOT NULL,
    due TEXT NOT NULL,
    PRIMARY KEY (user_id, question_id)
);
CREATE INDEX cards_due ON cards (user_id, due);

-- Ratings history: one review per attempt; a user's override keeps the proposal.
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    attempt_id INTEGER NOT NULL UNIQUE REFERENCES attempts (id) ON DELETE CASCADE,
    proposed_rating INTEGER NOT NULL,
    rating INTEGER NOT NULL,
    rated_by_user INTEGER NOT NULL DEFAULT 0,
    card_before TEXT,
    card_after TEXT NOT NULL,
    reviewed_at TEXT NOT NULL
);
CREATE INDEX reviews_by_user_question ON reviews (user_id, question_id, id);
