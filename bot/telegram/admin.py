"""Who may change a group's settings: its admins, including anonymous ones."""

from __future__ import annotations

from telegram import Message
from telegram.constants import ChatMemberStatus

from bot.telegram import render
from bot.telegram.identity import is_anonymous_admin, is_group
from bot.telegram.outbox import reply_html

ADMIN_STATUSES = frozenset({ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER})


async def is_admin(message: Message) -> bool:
    """True in private chats; in groups for admins and anonymous admins (who post as the
    group: `sender_chat` is the chat itself)."""
    if not is_group(message.chat):
        return True
    if message.sender_chat is not None:
        return is_anonymous_admin(message)
    user = message.from_user
    if user is None:
        return False
    member = await message.get_bot().get_chat_member(message.chat.id, user.id)
    return member.status in ADMIN_STATUSES


async def ensure_admin(message: Message) -> bool:
    """`is_admin`, telling the sender when they are not."""
    if await is_admin(message):
        return True
    await reply_html(message, render.admins_only())
    return False
