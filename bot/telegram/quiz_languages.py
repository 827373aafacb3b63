"""`/lang quiz [zh|en|all]`: which languages a chat's daily question and plain /quiz
come in (the content language; `/lang en|zh` alone is the interface language).

Anyone sees the setting; in a group only admins change it, as with `/lang`. A private
chat's setting is its person's. `/quiz zh` and `/quiz en` need nothing here: the engine
reads the language from the /quiz text.
"""

from __future__ import annotations

from telegram import Update

from bot.engine import question_languages
from bot.errors import NoQuestionInLanguage
from bot.presentation import question_languages as wording
from bot.telegram.admin import ensure_admin
from bot.telegram.context import QuizContext
from bot.telegram.identity import chat_key, is_group, message_of, player_of
from bot.telegram.language import lang_command, speakers
from bot.telegram.outbox import reply_html
from bot.telegram.render import HTML

WORD = "quiz"
"""The first argument of /lang that means this setting."""


async def quiz_languages_command(update: Update, context: QuizContext, words: list[str]) -> None:
    """`/lang quiz` followed by `words` (none: show the setting)."""
    message = message_of(update)
    data = context.bot_data
    said = await speakers(context, message)
    group = is_group(message.chat)
    chat = chat_key(message.chat)
    if not words:
        current = await question_languages.question_languages(data.engine, chat)
        await reply_html(message, wording.setting_now(current, group, HTML, said.person))
        return
    try:
        chosen = question_languages.parse_choice(words)
    except ValueError:
        await reply_html(message, wording.setting_usage(HTML, said.person))
        return
    if group and not await ensure_admin(message, said.person):
        return
    try:
        stored = await question_languages.set_question_languages(
            data.engine,
            chat,
            chosen,
            data.now(),
            is_group=group,
            title=message.chat.title or "",
            owner=None if group else player_of(message),
        )
    except NoQuestionInLanguage as error:
        await reply_html(message, wording.setting_refused(error, said.person))
        return
    await reply_html(message, wording.setting_set(stored, said.chat))


async def lang_or_quiz_languages(update: Update, context: QuizContext) -> None:
    """/lang: `/lang quiz …` is this setting, anything else the interface language."""
    args = list(context.args or ())
    if args and args[0].casefold() == WORD:
        await quiz_languages_command(update, context, args[1:])
        return
    await lang_command(update, context)
