-- quizbot schema, version 9 (PostgreSQL): interface languages; see ../0009_languages.sql.

ALTER TABLE users ADD COLUMN language TEXT;
ALTER TABLE chats ADD COLUMN language TEXT;
