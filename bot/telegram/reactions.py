"""Emoji reactions: how the bot acknowledges a group message without sending one.

A reaction is not a message: Telegram's per-group budget of 20 messages a minute does
not count it, so an answer is acknowledged at once however busy the group is. Every
emoji here is in Telegram's list of allowed reactions.
"""

from __future__ import annotations

import logging

from telegram import Message
from telegram.error import BadRequest

logger = logging.getLogger(__name__)

FULL_MARKS = "💯"
GOOD_ANSWER = "👍"
ANSWER_NOTED = "✍"
ALREADY_ANSWERED = "👀"
COOLING_DOWN = "😴"
"""A /quiz too soon after the same member's last one in a group."""


async def react(message: Message, emoji: str) -> None:
    try:
        await message.set_reaction(emoji)
    except BadRequest as error:  # reactions turned off in this chat: nothing else changes
        logger.info("could not react in chat %s: %s", message.chat.id, error)
