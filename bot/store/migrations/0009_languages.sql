-- quizbot schema, version 9: interface languages.
--
-- users.language: the language a person chose with /lang (NULL: none chosen; the
-- platform's language tag decides). chats.language: a group's language, set when the bot
-- is added (the adder's) and by an admin's /lang (NULL: the default language).

ALTER TABLE users ADD COLUMN language TEXT;
ALTER TABLE chats ADD COLUMN language TEXT;
