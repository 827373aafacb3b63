"""Group life: the bot added or removed, a group upgraded to a supergroup, and members
asking for a question's answer privately."""

from __future__ import annotations

import logging

from telegram import ChatMember, ChatMemberRestricted, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import Forbidden

from bot.engine import languages
from bot.i18n import translator_for
from bot.telegram import render
from bot.telegram.context import QuizContext
from bot.telegram.identity import chat_key, is_group, player_key
from bot.telegram.keyboards import AnswerByDmButton, parse_button
from bot.telegram.language import person_language_of, person_translator
from bot.telegram.outbox import send_html

logger = logging.getLogger(__name__)

PRESENT = frozenset(
    {ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}
)


def _is_present(member: ChatMember) -> bool:
    if isinstance(member, ChatMemberRestricted):
        return member.is_member
    return member.status in PRESENT


async def membership(update: Update, context: QuizContext) -> None:
    """The bot's own membership changed: added (hello), removed or blocked (inactive)."""
    change = update.my_chat_member
    if change is None or change.chat.type == ChatType.CHANNEL:
        return
    was_in, is_in = _is_present(change.old_chat_member), _is_present(change.new_chat_member)
    if was_in == is_in:
        return  # promoted, demoted, restricted: still here
    chat, data = change.chat, context.bot_data
    key, group = chat_key(chat), is_group(chat)
    if not is_in:
        logger.info("left chat %s (%s)", chat.id, change.new_chat_member.status)
        await data.engine.settings.set_chat_active(key, False)
        return
    logger.info("joined chat %s", chat.id)
    await data.engine.settings.ensure_chat(key, data.now(), is_group=group, title=chat.title or "")
    await data.engine.settings.set_chat_active(key, True)
    if group:  # the group speaks the language of whoever added the bot, until /lang
        lang = await languages.set_chat_language(
            data.engine,
            key,
            person_language_of(change.from_user, context),
            data.now(),
            is_group=True,
            title=chat.title or "",
            only_if_unset=True,
        )
        t = translator_for(lang or person_language_of(change.from_user, context))
        await send_html(context.bot, chat.id, render.hello_group(context.bot.username, t))


async def migration(update: Update, context: QuizContext) -> None:
    """A group became a supergroup with a new id: its history and settings follow.

    Telegram sends two service messages (one in each chat); moving is idempotent, so
    whichever comes first does it.
    """
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id is not None:
        old_id, new_id = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id is not None:
        old_id, new_id = message.migrate_from_chat_id, message.chat.id
    else:
        return
    logger.info("chat %s moved to %s", old_id, new_id)
    await context.bot_data.engine.settings.chat_moved(chat_key(old_id), new_id)


async def answer_by_dm(update: Update, context: QuizContext) -> None:
    """ "Answer by DM" on a group question: send its answer privately, if we may."""
    query = update.callback_query
    assert query is not None
    button = parse_button(query.data)
    t = await person_translator(context, query.from_user)
    if not isinstance(button, AnswerByDmButton) or query.message is None:
        await query.answer(render.expired_button(t))  # no data, none of ours, or inline
        return
    engine = context.bot_data.engine
    chat = chat_key(query.message.chat)  # a forged id from another chat is refused
    question = await engine.reveals.question_in_chat(button.delivery_id, chat)
    try:
        await send_html(context.bot, query.from_user.id, render.answer_privately(question, t))
    except Forbidden:  # they never started the bot (or blocked it)
        alert = render.answer_by_dm_needs_start(context.bot.username, button.delivery_id, t)
        await query.answer(alert, show_alert=True)
        return
    # Only now have they seen it: their later answer in the group earns no points.
    viewer = player_key(query.from_user)
    await engine.reveals.record_peek(
        button.delivery_id, chat, viewer=viewer, now=context.bot_data.now()
    )
    await query.answer(t._("I sent you the answer privately."))


async def unknown_button(update: Update, context: QuizContext) -> None:
    query = update.callback_query
    if query is not None:
        t = await person_translator(context, query.from_user)
        await query.answer(render.expired_button(t))
