-- quizbot schema, version 10: the languages a chat's questions come in.
--
-- chats.question_languages: the content languages of the chat's daily question and of
-- its plain /quiz, as codes joined with commas ("zh", "en,zh"); NULL, the default, is
-- every language. Set with /lang quiz (a private chat's is its person's). Not the
-- interface language (chats.language, version 9).

ALTER TABLE chats ADD COLUMN question_languages TEXT;
