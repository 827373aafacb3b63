"""The one error handler: log with context, keep running, never show a traceback.

A QuizError is a normal outcome (no question open, a bad /time value): it is shown in
the words of `bot.presentation.errors`. Telegram telling us a chat is gone or moved updates the engine. A button
press answered too late (Telegram allows about 15 s: a backlog, a restart) is expected
and only noted. Anything else is logged with the update's context and the user sees
"Something went wrong".
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, TelegramError

from bot.errors import QuizError
from bot.telegram import render
from bot.telegram.context import QuizContext
from bot.telegram.identity import chat_key
from bot.telegram.language import update_translator
from bot.telegram.markup import plain_text, truncate
from bot.telegram.outbox import reply_html

logger = logging.getLogger(__name__)

ALERT_LIMIT = 200
EXPIRED_QUERY = ("query is too old", "query id is invalid")
"""How Telegram refuses an answer to a callback query that waited too long."""


async def on_error(update: object, context: QuizContext) -> None:
    error = context.error
    if not isinstance(update, Update):
        _log_background(error)
        return
    where = describe(update)
    if isinstance(error, QuizError):
        logger.debug("%s: %s", where, error)
        t = await update_translator(context, update)
        html_text = render.quiz_error(error, t)
        await _tell(update, html_text, plain_text(html_text))
    elif isinstance(error, Forbidden):
        logger.info("%s: chat unreachable (%s)", where, error)
        await _deactivate(update, context)
    elif isinstance(error, ChatMigrated):
        logger.info("%s: chat moved to %s", where, error.new_chat_id)
        await _follow_move(update, context, error.new_chat_id)
    elif _expired_query(update, error):
        logger.info("%s: the button press expired before it was answered", where)
    else:
        logger.error("%s failed", where, exc_info=error)
        if not isinstance(error, TelegramError):  # a fault of ours, not the network's
            context.bot_data.failed_updates.add(update.update_id)  # the inbox sets it aside
        message = render.something_went_wrong(await update_translator(context, update))
        await _tell(update, message, message)


def _log_background(error: BaseException | None) -> None:
    """Errors outside any update (polling): network trouble is expected and retried."""
    if isinstance(error, NetworkError):
        logger.warning("network trouble while polling: %s", error)
    else:
        logger.error("background error", exc_info=error)


def _expired_query(update: Update, error: object) -> bool:
    return (
        update.callback_query is not None
        and isinstance(error, BadRequest)
        and any(words in error.message.lower() for words in EXPIRED_QUERY)
    )


def describe(update: Update) -> str:
    """Which update this was, for the log: id, kind, chat and user (never the text)."""
    parts = [f"update {update.update_id}"]
    kinds = ("message", "callback_query", "poll_answer", "my_chat_member", "edited_message")
    kind = next((name for name in kinds if getattr(update, name, None) is not None), "other")
    parts.append(kind)
    if update.effective_chat is not None:
        parts.append(f"chat {update.effective_chat.id}")
    if update.effective_user is not None:
        parts.append(f"user {update.effective_user.id}")
    message = update.effective_message
    if message is not None and message.text and message.text.startswith("/"):
        parts.append(repr(truncate(message.text.split()[0], 40)))
    return " ".join(parts)


async def _tell(update: Update, html_text: str, plain_text: str) -> None:
    """Show an error to whoever caused it; failing to do so is only logged."""
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(truncate(plain_text, ALERT_LIMIT), show_alert=True)
        elif update.message is not None and update.effective_chat is not None:
            await reply_html(update.message, html_text)
    except TelegramError as error:
        logger.warning("could not report an error to the user: %s", error)


async def _deactivate(update: Update, context: QuizContext) -> None:
    if update.effective_chat is not None:
        await context.bot_data.engine.settings.set_chat_active(
            chat_key(update.effective_chat), False
        )


async def _follow_move(update: Update, context: QuizContext, new_chat_id: int) -> None:
    if update.effective_chat is not None:
        await context.bot_data.engine.settings.chat_moved(
            chat_key(update.effective_chat), new_chat_id
        )
