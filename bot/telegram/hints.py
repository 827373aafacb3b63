"""Help with a private question: 💡 Hint and 🤷 I don't know (`bot.engine.hints`).

The two buttons sit under every typed question in a private chat, and come back as the
reply to an "empty" answer (a message with no words, such as "?"), which is not graded.
A button names its question's delivery; the engine refuses one that is not this chat's
open question (a forged id, another chat's button, an answered question), and stores the
hint or the attempt before anything is shown.
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.ext.filters import MessageFilter

from bot.engine.hints import Hint, hint_point, is_empty_answer
from bot.engine.results import AnswerResult
from bot.errors import NoOpenQuestion
from bot.i18n import Translator, percent
from bot.presentation.feedback import rating_label
from bot.telegram import render
from bot.telegram.context import QuizContext
from bot.telegram.identity import chat_key, message_of, player_key, player_of
from bot.telegram.keyboards import HelpButton, help_keyboard, parse_button
from bot.telegram.language import person_translator
from bot.telegram.markup import escape
from bot.telegram.outbox import answer_html, reply_html, send_html

logger = logging.getLogger(__name__)


class _EmptyAnswer(MessageFilter):
    """A text message with no words in it ("?", "..."): a request for help."""

    def filter(self, message: Message) -> bool:
        return message.text is not None and is_empty_answer(message.text)


EMPTY_ANSWER = _EmptyAnswer(name="EMPTY_ANSWER")


async def offer(update: Update, context: QuizContext) -> None:
    """An empty answer in a private chat: offer a hint or "I don't know", grade nothing."""
    message = message_of(update)
    if player_of(message) is None:
        return
    asked = await context.bot_data.engine.asking.open_question(chat_key(message.chat))
    if asked is None:
        raise NoOpenQuestion("none_open")
    has_hint = hint_point(asked.question) is not None
    t = await person_translator(context, message.from_user)
    keyboard = help_keyboard(asked.delivery_id, t, hint=has_hint)
    await reply_html(message, help_offer(has_hint, t), keyboard=keyboard)


async def button(update: Update, context: QuizContext) -> None:
    """💡 Hint or 🤷 I don't know pressed under a question (or under the offer)."""
    query = update.callback_query
    assert query is not None
    pressed = parse_button(query.data)
    message = query.message
    t = await person_translator(context, query.from_user)
    if not isinstance(pressed, HelpButton) or not isinstance(message, Message):
        await query.answer(render.expired_button(t))  # no data, none of ours, or inline
        return
    data = context.bot_data
    chat, player = chat_key(message.chat), player_key(query.from_user)
    if message.chat.id != query.from_user.id:  # help is private: not in a group
        await query.answer(render.expired_button(t))
        return
    if not pressed.give_up:
        hint = await data.engine.helping.hint(
            chat, player, data.now(), delivery_id=pressed.delivery_id
        )
        await query.answer(hint_shown(hint, t))
        await send_html(
            context.bot, message.chat.id, hint_html(hint, t), reply_to=message.message_id
        )
        return
    result = await data.engine.helping.give_up(
        chat,
        player,
        data.now(),
        source_key=f"idk:{pressed.delivery_id}",
        delivery_id=pressed.delivery_id,
    )
    await query.answer(t._("🤷 Here is the answer"))
    if result.duplicate and not data.left_unfinished(update):
        logger.debug("give-up on delivery %s was already recorded", pressed.delivery_id)
        return  # a repeat: its answer went out with the first one
    await answer_html(message, gave_up_html(result, t))


# -- wording ------------------------------------------------------------------------------


def help_offer(has_hint: bool, t: Translator) -> str:
    if has_hint:
        return t._(
            "🤔 That reply had no words in it, so I did not grade it. Type your answer, tap "
            "💡 <b>Hint</b> (it halves what the answer can score), or tap 🤷 <b>I don't "
            "know</b> to see the model answer."
        )
    return t._(
        "🤔 That reply had no words in it, so I did not grade it. Type your answer, or tap "
        "🤷 <b>I don't know</b> to see the model answer."
    )


def hint_html(hint: Hint, t: Translator) -> str:
    cap = t._(
        "An answer after a hint scores at most {percent} ({points} points). Send your "
        "answer as a message.",
        percent=percent(hint.score_cap),
        points=hint.points_cap,
    )
    return t._("💡 <b>Hint</b>: {point}", point=escape(hint.point)) + f"\n\n<i>{cap}</i>"


def hint_shown(hint: Hint, t: Translator) -> str:
    """The button's short alert."""
    return t._("💡 The same hint again") if hint.repeated else t._("💡 Hint shown")


def gave_up_html(result: AnswerResult, t: Translator) -> str:
    """The model answer after "I don't know": rated Again, the streak kept."""
    rated = t._("Recall rated {rating}.", rating=rating_label(result.proposed_rating, t))
    return "\n\n".join(
        block
        for block in (
            t._("🤷 <b>No problem.</b> Here is the answer; it comes back for review soon."),
            render.model_answer(result.question, t),
            render.streak_line(result.streak, t),
            f"🧠 <i>{rated}</i> " + t._("/quiz for another question."),
        )
        if block
    )
