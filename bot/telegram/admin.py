"""Who may change a group's settings (its admins, including anonymous ones), and who
belongs to a chat at all (poll votes and answers by DM count only from its members)."""

from __future__ import annotations

from telegram import Bot, Message
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, Forbidden

from bot.engine.results import ChatKey
from bot.i18n import Translator
from bot.telegram import render
from bot.telegram.identity import is_anonymous_admin, is_group
from bot.telegram.outbox import reply_html

ADMIN_STATUSES = frozenset({ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER})
MEMBER_STATUSES = ADMIN_STATUSES | {ChatMemberStatus.MEMBER}


async def is_member(bot: Bot, chat: ChatKey, user_id: int) -> bool:
    """Whether `user_id` is the person of private chat `chat`, or now a member of group
    `chat` (a restricted member still is). Telegram ids: private chats > 0, groups < 0."""
    if chat.external_id > 0:
        return chat.external_id == user_id
    try:
        member = await bot.get_chat_member(chat.external_id, user_id)
    except (BadRequest, Forbidden):  # the chat is gone, or we are no longer in it
        return False
    if member.status == ChatMemberStatus.RESTRICTED:
        return bool(getattr(member, "is_member", False))
    return member.status in MEMBER_STATUSES


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


async def ensure_admin(message: Message, t: Translator) -> bool:
    """`is_admin`, telling the sender (in `t`'s language) when they are not."""
    if await is_admin(message):
        return True
    await reply_html(message, render.admins_only(t))
    return False
