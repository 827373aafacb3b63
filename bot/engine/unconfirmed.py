"""Finding the question a reply answers when its message id is not recorded (yet).

A group answers by replying to the question's message, and the bot finds the question by
that message's id. The id is recorded once the send returns; but a reply can arrive while
the send is still waiting for Telegram's answer, and a send that timed out (outcome
unknown, no id at all) may still have been delivered. Then the reply is matched by what
it replies to instead: a question of this chat without a message id, claimed within the
last day, whose text that message shows. The match records the id,
so later replies find the question directly.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from bot.decks.catalog import Catalog
from bot.store import DeliveryRow, UnitOfWork

LOOKBACK = timedelta(days=1)
"""How old a question without a message id may be and still be matched."""
_WORD = re.compile(r"\w+")


def shows_question(question_text: str, message_text: str) -> bool:
    """Whether a message's plain text contains the question's words, in order (the
    rendered question loses its markup, never its words)."""
    question = " ".join(_WORD.findall(question_text.casefold()))
    message = " ".join(_WORD.findall(message_text.casefold()))
    return bool(question) and f" {question} " in f" {message} "


async def match_unconfirmed(
    tx: UnitOfWork,
    catalog: Catalog,
    chat_id: int,
    message_id: int,
    replied_text: str,
    now: datetime,
) -> DeliveryRow | None:
    """The chat's recent question, still without a message id, that message
    `message_id` (showing `replied_text`) is; records the id. None if none."""
    candidates = await tx.deliveries.without_message(chat_id, since=now - LOOKBACK, until=now)
    for delivery in candidates:  # newest first
        question = catalog.by_id.get(delivery.question_id)
        if question is not None and shows_question(question.question, replied_text):
            await tx.deliveries.attach_message(delivery.id, message_id)
            return delivery
    return None
