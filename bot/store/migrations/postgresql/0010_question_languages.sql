-- quizbot schema, version 10 (PostgreSQL): the languages a chat's questions come in;
-- see ../0010_question_languages.sql.

ALTER TABLE chats ADD COLUMN question_languages TEXT;
