"""Answers: typed replies (private and group), quiz poll votes, and recall ratings.

Private chats get full feedback with rating buttons. Groups get no message per answer:
the reply is acknowledged with a reaction, and the model answer waits for the reveal.
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.error import BadRequest

from bot.engine.results import AnswerResult
from bot.errors import AlreadyAnswered, NoOpenQuestion
from bot.presentation.wording import rating_label
from bot.telegram import render
from bot.telegram.admin import is_member
from bot.telegram.context import QuizContext
from bot.telegram.identity import (
    answer_source,
    chat_key,
    message_of,
    player_key,
    player_of,
    replies_to_bot,
)
from bot.telegram.keyboards import RateButton, parse_button, rating_keyboard
from bot.telegram.language import person_translator, speakers, stored_person_translator
from bot.telegram.markup import MESSAGE_LIMIT, utf16_len
from bot.telegram.outbox import answer_html, reply_html, send_html
from bot.telegram.reactions import (
    ALREADY_ANSWERED,
    ANSWER_NOTED,
    FULL_MARKS,
    GOOD_ANSWER,
    react,
)

logger = logging.getLogger(__name__)

GOOD_FROM = 0.5


async def private_answer(update: Update, context: QuizContext) -> None:
    """A typed answer in a private chat: grade it and show the feedback."""
    message = message_of(update)
    player = player_of(message)
    if player is None or message.text is None:
        return
    data = context.bot_data
    result = await data.engine.answering.answer(
        chat_key(message.chat),
        player,
        message.text,
        data.now(),
        source_key=answer_source(message),
        reply_to_message_id=message.reply_to_message.message_id
        if replies_to_bot(message) and message.reply_to_message
        else None,
    )
    if result.duplicate and not data.left_unfinished(update):
        logger.debug("answer %s was already recorded", answer_source(message))
        return  # a repeat: its feedback went out with the first one
    t = stored_person_translator(context, result.person_language, message.from_user)
    await answer_html(
        message,
        render.feedback(result, message.text, t),
        keyboard=rating_keyboard(result.attempt_id, result.proposed_rating, t),
    )


async def group_answer(update: Update, context: QuizContext) -> None:
    """A reply to the bot's question in a group: grade it, acknowledge with a reaction."""
    message = message_of(update)
    player = player_of(message)
    replied = message.reply_to_message
    if player is None or message.text is None or replied is None:
        return
    data = context.bot_data
    try:
        result = await data.engine.answering.answer(
            chat_key(message.chat),
            player,
            message.text,
            data.now(),
            source_key=answer_source(message),
            reply_to_message_id=replied.message_id,
            replied_text=replied.text or replied.caption,
        )
    except NoOpenQuestion:  # a reply to one of the bot's other messages
        return
    except AlreadyAnswered:
        await react(message, ALREADY_ANSWERED)
        return
    await react(message, _reaction_for(result))


def _reaction_for(result: AnswerResult) -> str:
    if not result.grade.gradable and not result.question.is_multiple_choice:
        return ANSWER_NOTED
    if result.grade.score >= 1.0:
        return FULL_MARKS
    return GOOD_ANSWER if result.grade.score >= GOOD_FROM else ANSWER_NOTED


async def not_text(update: Update, context: QuizContext) -> None:
    """A sticker, photo or voice message where an answer was expected."""
    message = message_of(update)
    t = (await speakers(context, message)).person
    await reply_html(message, render.not_text_hint(t))


async def poll_vote(update: Update, context: QuizContext) -> None:
    """A vote in one of the bot's quiz polls counts as an answer."""
    vote = update.poll_answer
    if vote is None or vote.user is None or not vote.option_ids:
        return  # an anonymous admin voting as the chat, or a retracted vote
    data = context.bot_data
    chat = await data.engine.asking.delivery_chat(poll_id=vote.poll_id)
    if chat is None or not await is_member(context.bot, chat, vote.user.id):
        logger.debug("poll vote from outside the poll's chat ignored")  # a forwarded poll
        return
    try:
        result = await data.engine.answering.answer_choice(
            vote.poll_id, player_key(vote.user), list(vote.option_ids), data.now()
        )
    except (NoOpenQuestion, AlreadyAnswered) as error:
        logger.debug("poll vote ignored: %s", error)
        return
    if result.is_group or (result.duplicate and not data.left_unfinished(update)):
        return
    t = stored_person_translator(context, result.person_language, vote.user)
    await send_html(
        context.bot,
        vote.user.id,
        render.choice_feedback(result, t),
        keyboard=rating_keyboard(result.attempt_id, result.proposed_rating, t),
    )


async def rate(update: Update, context: QuizContext) -> None:
    """Again / Hard / Good / Easy pressed under a feedback message."""
    query = update.callback_query
    assert query is not None
    button = parse_button(query.data)
    t = await person_translator(context, query.from_user)
    if not isinstance(button, RateButton):  # no data or none of ours: PTB lets it through
        await query.answer(render.expired_button(t))
        return
    data = context.bot_data
    result = await data.engine.rating.rate(
        button.attempt_id, player_key(query.from_user), button.rating, data.now()
    )
    await query.answer(t._("Saved: {rating}", rating=rating_label(result.rating, t)))
    message = query.message
    if not isinstance(message, Message) or message.text is None:
        return  # too old to edit
    keyboard = rating_keyboard(result.attempt_id, result.rating, t)
    text = render.rated(message.text_html, result, t)
    try:
        if utf16_len(text) <= MESSAGE_LIMIT:
            await query.edit_message_text(text, reply_markup=keyboard)
        else:
            await query.edit_message_reply_markup(keyboard)
    except BadRequest as error:
        if "not modified" not in str(error):
            raise
