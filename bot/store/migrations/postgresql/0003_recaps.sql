-- quizbot schema, version 3 (PostgreSQL): weekly group recaps; see ../0003_recaps.sql.

ALTER TABLE chats ADD COLUMN recap_week TEXT;
