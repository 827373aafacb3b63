"""Checks that run before every handler (handler group -1)."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.telegram.context import QuizContext

logger = logging.getLogger(__name__)


def update_key(update: Update) -> str:
    """What makes two deliveries the same update, whatever their update_id."""
    if update.message is not None:
        return f"msg:{update.message.chat.id}:{update.message.message_id}"
    if update.edited_message is not None:
        edited = update.edited_message
        return f"edit:{edited.chat.id}:{edited.message_id}:{edited.edit_date}"
    if update.callback_query is not None:
        return f"button:{update.callback_query.id}"
    if update.poll_answer is not None:
        vote = update.poll_answer
        voter = vote.user.id if vote.user else vote.voter_chat.id if vote.voter_chat else 0
        return f"vote:{vote.poll_id}:{voter}:{','.join(map(str, vote.option_ids))}"
    return f"update:{update.update_id}"


async def drop_repeats(update: object, context: QuizContext) -> None:
    """Telegram delivers at least once: a repeat seen in this run is handled once."""
    if isinstance(update, Update) and not context.bot_data.recent.first_time(update_key(update)):
        logger.info("update %s repeats %s: dropped", update.update_id, update_key(update))
        raise ApplicationHandlerStop
