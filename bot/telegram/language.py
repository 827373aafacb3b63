"""Which language a Telegram reply speaks, and /lang.

A person's replies (private chats, button alerts, anything sent to them privately) use the
language they chose with /lang, else their Telegram `language_code` (`zh…` is Chinese),
else the operator's default (QUIZBOT_LANG). What a whole group reads (the question, the
reveal, the leaderboard) uses the group's language: at first that of whoever added the
bot, then whatever an admin sets with /lang in the group.

A private chat's stored language follows its person's (set at /start and by /lang), so
that what the scheduler sends there later speaks it too.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Message, Update, User

from bot import i18n
from bot.engine import languages
from bot.i18n import Translator, translator_for
from bot.telegram import render
from bot.telegram.admin import ensure_admin
from bot.telegram.context import BotData, QuizContext
from bot.telegram.identity import chat_key, is_group, message_of, player_key, player_of
from bot.telegram.outbox import reply_html


@dataclass(frozen=True, slots=True)
class Speakers:
    person: Translator
    """For what only the sender reads."""
    chat: Translator
    """For what everyone in the chat reads (in a private chat, the person's)."""


def _person_language(stored: str | None, user: User | None, data: BotData) -> str:
    if stored in i18n.LANGUAGES:
        return stored
    tag = user.language_code if user is not None and not user.is_bot else None
    return i18n.resolve(tag, data.settings.default_language)


def _chat_language(stored: str | None, data: BotData) -> str:
    return stored if stored in i18n.LANGUAGES else data.settings.default_language


async def speakers(context: QuizContext, message: Message) -> Speakers:
    """The languages of a message's sender and of its chat (one store read)."""
    data, user = context.bot_data, message.from_user
    group = is_group(message.chat)
    stored = await languages.languages(
        data.engine, chat_key(message.chat) if group else None, player_of(message)
    )
    person = translator_for(_person_language(stored.person, user, data))
    if not group:
        return Speakers(person, person)
    return Speakers(person, translator_for(_chat_language(stored.chat, data)))


async def person_translator(context: QuizContext, user: User | None) -> Translator:
    """The language of `user` alone (a button they pressed, a message sent to them)."""
    data = context.bot_data
    player = player_key(user) if user is not None and not user.is_bot else None
    stored = await languages.languages(data.engine, None, player)
    return translator_for(_person_language(stored.person, user, data))


def stored_person_translator(
    context: QuizContext, stored: str | None, user: User | None
) -> Translator:
    """The language of `user` from their stored choice already at hand (an answer's
    result carries it), so no store read is needed."""
    return translator_for(_person_language(stored, user, context.bot_data))


async def update_translator(context: QuizContext, update: Update) -> Translator:
    """The language to tell the sender of `update` something went wrong in; never
    raises (when the store is the trouble, Telegram's language tag decides)."""
    try:
        return await person_translator(context, update.effective_user)
    except Exception:
        return translator_for(person_language_of(update.effective_user, context))


def person_language_of(user: User | None, context: QuizContext) -> str:
    """A person's language as Telegram tells it (before any /lang of theirs)."""
    return _person_language(None, user, context.bot_data)


async def lang_command(update: Update, context: QuizContext) -> None:
    """/lang [en|zh]: a person's language in a private chat, the group's (admins) in a
    group; without an argument, which is in force and how to change it."""
    message = message_of(update)
    data = context.bot_data
    said = await speakers(context, message)
    group = is_group(message.chat)
    if not context.args:
        current = said.chat if group else said.person
        await reply_html(message, render.language_now(current.lang, group, current))
        return
    chosen = i18n.parse(" ".join(context.args))
    if chosen is None:
        await reply_html(message, render.language_usage(said.person))
        return
    if group:
        if not await ensure_admin(message, said.person):
            return
        await languages.set_chat_language(
            data.engine,
            chat_key(message.chat),
            chosen,
            data.now(),
            is_group=True,
            title=message.chat.title or "",
        )
    else:
        player = player_of(message)
        if player is None:
            return
        await languages.choose_person_language(data.engine, player, chosen, data.now())
        await languages.set_chat_language(
            data.engine, chat_key(message.chat), chosen, data.now(), is_group=False
        )
    t = translator_for(chosen)
    await reply_html(message, render.language_set(chosen, group, t))
