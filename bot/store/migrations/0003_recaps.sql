-- quizbot schema, version 3: weekly group recaps.

-- The Monday (YYYY-MM-DD, the group's local week) of the last week recapped in a chat:
-- each week is recapped at most once, across restarts.
ALTER TABLE chats ADD COLUMN recap_week TEXT;
