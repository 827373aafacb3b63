"""Sending: HTML text split to fit, questions as text or quiz polls, always in the right
forum topic."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, InputPollOption, Message, ReplyParameters
from telegram.constants import PollType

from bot.engine.results import Asked
from bot.telegram import render
from bot.telegram.context import QuizBot
from bot.telegram.identity import thread_of
from bot.telegram.keyboards import answer_by_dm_keyboard
from bot.telegram.markup import split_html
from bot.telegram.ratelimit import CallOptions
from scheduler.sending import SentMessage


async def send_html(
    bot: QuizBot,
    chat_id: int,
    text: str,
    *,
    thread_id: int | None = None,
    reply_to: int | None = None,
    keyboard: InlineKeyboardMarkup | None = None,
    options: CallOptions | None = None,
) -> Message:
    """Send `text` in as many messages as it needs; returns the last one.

    The first part replies to `reply_to` and is sent with `options`; the parts after it
    are paced and retried normally. The keyboard goes on the last part.
    """
    parts = split_html(text)
    sent: Message | None = None
    for index, part in enumerate(parts):
        is_last = index == len(parts) - 1
        sent = await bot.send_message(
            chat_id,
            part,
            message_thread_id=thread_id,
            reply_parameters=_replying(reply_to) if index == 0 else None,
            reply_markup=keyboard if is_last else None,
            rate_limit_args=options if index == 0 else None,
        )
    assert sent is not None, "split_html never returns an empty list"
    return sent


async def reply_html(
    message: Message,
    text: str,
    *,
    keyboard: InlineKeyboardMarkup | None = None,
    quote: bool = True,
) -> Message:
    """Answer `message` in its chat and forum topic."""
    bot: QuizBot = message.get_bot()  # type: ignore[assignment]
    return await send_html(
        bot,
        message.chat.id,
        text,
        thread_id=thread_of(message),
        reply_to=message.message_id if quote else None,
        keyboard=keyboard,
    )


async def send_question(
    bot: QuizBot,
    chat_id: int,
    asked: Asked,
    *,
    thread_id: int | None = None,
    options: CallOptions | None = None,
) -> SentMessage:
    """Post a question: a native quiz poll for multiple choice, else text (in groups with
    an "Answer by DM" button)."""
    if asked.question.is_multiple_choice:
        message = await _send_quiz_poll(bot, chat_id, asked, thread_id, options)
    else:
        keyboard = answer_by_dm_keyboard(asked.delivery_id) if asked.is_group else None
        message = await send_html(
            bot,
            chat_id,
            render.question(asked),
            thread_id=thread_id,
            keyboard=keyboard,
            options=options,
        )
    return SentMessage(
        message_id=message.message_id,
        poll_id=message.poll.id if message.poll else None,
        thread_id=thread_of(message),
    )


async def _send_quiz_poll(
    bot: QuizBot,
    chat_id: int,
    asked: Asked,
    thread_id: int | None,
    options: CallOptions | None,
) -> Message:
    question = asked.question
    assert question.choices is not None and question.correct is not None
    # Deck text is plain here: no parse mode, so nothing needs escaping.
    return await bot.send_poll(
        chat_id,
        render.poll_question(question),
        [InputPollOption(choice, text_parse_mode=None) for choice in question.choices],
        type=PollType.QUIZ,
        is_anonymous=False,
        correct_option_ids=[question.correct],
        explanation=question.explanation,
        explanation_parse_mode=None,
        question_parse_mode=None,
        message_thread_id=thread_id,
        rate_limit_args=options,
    )


def _replying(message_id: int | None) -> ReplyParameters | None:
    if message_id is None:
        return None
    return ReplyParameters(message_id, allow_sending_without_reply=True)
