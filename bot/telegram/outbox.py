"""Sending: HTML text split to fit, questions as text or quiz polls, images and files,
always in the right forum topic."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, InputFile, InputPollOption, Message, ReplyParameters
from telegram.constants import ParseMode, PollType

from bot.engine.results import Asked
from bot.i18n import Translator
from bot.progress.weak import note_of
from bot.telegram import render
from bot.telegram.context import QuizBot
from bot.telegram.identity import thread_of
from bot.telegram.keyboards import question_keyboard
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


async def post_html(
    bot: QuizBot,
    chat_id: int,
    text: str,
    *,
    thread_id: int | None = None,
    reply_to: int | None = None,
    keyboard: InlineKeyboardMarkup | None = None,
    options: CallOptions | None = None,
) -> dict[str, Any]:
    """`send_html` for the hot paths (answer feedback, the daily push): the same messages,
    but Telegram's answer is left as JSON (the last part's Message object) instead of
    being built into PTB objects, which costs about as much as the rest of the call."""
    defaults = bot.defaults
    parse_mode = defaults.parse_mode if defaults and defaults.parse_mode else ParseMode.HTML
    preview = defaults.link_preview_options if defaults else None
    parts = split_html(text)
    sent: dict[str, Any] = {}
    for index, part in enumerate(parts):
        is_last = index == len(parts) - 1
        sent = await bot.do_api_request(
            # Bot API method names are case-insensitive; PTB warns about a raw call under
            # the name of one of its own methods ("sendMessage") and not about this one.
            "sendmessage",
            api_kwargs={
                "chat_id": chat_id,
                "text": part,
                "parse_mode": parse_mode,
                "link_preview_options": preview,
                "message_thread_id": thread_id,
                "reply_parameters": _replying(reply_to) if index == 0 else None,
                "reply_markup": keyboard if is_last else None,
            },
            rate_limit_args=options if index == 0 else None,
        )
    return sent


async def answer_html(
    message: Message, text: str, *, keyboard: InlineKeyboardMarkup | None = None
) -> None:
    """`reply_html` when the reply itself is not needed afterwards (see `post_html`)."""
    bot: QuizBot = message.get_bot()  # type: ignore[assignment]
    await post_html(
        bot,
        message.chat.id,
        text,
        thread_id=thread_of(message),
        reply_to=message.message_id,
        keyboard=keyboard,
    )


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
    t: Translator,
    *,
    thread_id: int | None = None,
    options: CallOptions | None = None,
) -> SentMessage:
    """Post a question: a native quiz poll for multiple choice, else text with its buttons
    (`keyboards.question_keyboard`: "Answer by DM" in groups, help in private)."""
    if asked.question.is_multiple_choice:
        if asked.drill is not None:  # a poll has no room for it: a short message first
            note = render.question_note(note_of(asked))
            await send_html(bot, chat_id, note, thread_id=thread_id, options=options)
            options = None  # the poll is the second message: paced and retried normally
        message = await _send_quiz_poll(bot, chat_id, asked, thread_id, options)
    else:
        keyboard = question_keyboard(asked, t)
        sent = await post_html(
            bot,
            chat_id,
            render.question(asked, t),
            thread_id=thread_id,
            keyboard=keyboard,
            options=options,
        )
        return SentMessage(
            message_id=sent["message_id"],
            thread_id=sent.get("message_thread_id") if sent.get("is_topic_message") else None,
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


async def send_photo(
    bot: QuizBot,
    chat_id: int,
    png: bytes,
    *,
    filename: str,
    caption: str = "",
    thread_id: int | None = None,
    reply_to: int | None = None,
) -> Message:
    """Upload a PNG (`caption`: HTML, escaped by the caller, at most 1024 characters)."""
    return await bot.send_photo(
        chat_id,
        InputFile(png, filename=filename),
        caption=caption or None,
        message_thread_id=thread_id,
        reply_parameters=_replying(reply_to),
    )


async def send_document(
    bot: QuizBot,
    chat_id: int,
    data: bytes,
    *,
    filename: str,
    caption: str = "",
    thread_id: int | None = None,
    reply_to: int | None = None,
) -> Message:
    """Upload a file as a document (`caption`: HTML, escaped by the caller)."""
    return await bot.send_document(
        chat_id,
        InputFile(data, filename=filename),
        caption=caption or None,
        message_thread_id=thread_id,
        reply_parameters=_replying(reply_to),
        disable_content_type_detection=True,
    )


async def reply_photo(message: Message, png: bytes, *, filename: str, caption: str = "") -> Message:
    """`send_photo` answering `message` in its chat and forum topic."""
    bot: QuizBot = message.get_bot()  # type: ignore[assignment]
    return await send_photo(
        bot,
        message.chat.id,
        png,
        filename=filename,
        caption=caption,
        thread_id=thread_of(message),
        reply_to=message.message_id,
    )


def _replying(message_id: int | None) -> ReplyParameters | None:
    if message_id is None:
        return None
    return ReplyParameters(message_id, allow_sending_without_reply=True)
