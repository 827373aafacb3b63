-- quizbot schema, version 8 (PostgreSQL): two chat settings nothing could set are
-- dropped; see ../0008_unused_chat_settings.sql.

ALTER TABLE chats DROP COLUMN question_filter;
ALTER TABLE chats DROP COLUMN reveal_after_minutes;
