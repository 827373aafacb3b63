-- quizbot schema, version 6: decks people send to the bot, and each chat's choice of decks.

-- An own deck, as validated YAML (it reloads through the deck loader). Its questions'
-- ids are namespaced by this row's id (`o<id>/<question id>`), so sending the same deck
-- again (same owner and deck id) updates this row and keeps the progress on them.
CREATE TABLE own_decks (
    id INTEGER PRIMARY KEY,
    owner_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    deck TEXT NOT NULL,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    body TEXT NOT NULL,
    questions INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (owner_id, deck)
);

-- The decks a chat draws its questions from: a JSON list of deck keys (a bundled deck's
-- id, `own:<own_decks.id>`, or `*` for every bundled deck); NULL for the default.
ALTER TABLE chats ADD COLUMN decks TEXT;
