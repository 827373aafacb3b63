-- quizbot schema, version 8: two chat settings nothing could set are dropped.
--
-- chats.question_filter (a topic filter for the daily question) and
-- chats.reveal_after_minutes (when a group's answer is revealed) were read but no command
-- or setting ever wrote them, so every chat had the defaults: no filter, 240 minutes
-- (now the engine's constant). DROP COLUMN needs SQLite 3.35 or later.

ALTER TABLE chats DROP COLUMN question_filter;
ALTER TABLE chats DROP COLUMN reveal_after_minutes;
