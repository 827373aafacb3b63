"""Telegram chats, people and messages as the engine's plain keys."""

from __future__ import annotations

from telegram import Chat, Message, Update, User
from telegram.constants import ChatType

from bot.engine.results import ChatKey, PlayerKey

PLATFORM = "telegram"


def message_of(update: Update) -> Message:
    """The message of a message update (what message handlers are registered for)."""
    message = update.effective_message
    assert message is not None, "registered for updates with a message"
    return message


def chat_key(chat: Chat | int) -> ChatKey:
    return ChatKey(PLATFORM, chat if isinstance(chat, int) else chat.id)


def player_key(user: User) -> PlayerKey:
    return PlayerKey(PLATFORM, user.id, user.full_name)


def is_group(chat: Chat) -> bool:
    return chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)


def is_anonymous_admin(message: Message) -> bool:
    """Sent by a group admin posting as the group itself."""
    return message.sender_chat is not None and message.sender_chat.id == message.chat.id


def player_of(message: Message) -> PlayerKey | None:
    """The person who sent `message`; None for anonymous admins, channels and bots."""
    user = message.from_user
    if user is None or user.is_bot or message.sender_chat is not None:
        return None
    return player_key(user)


def thread_of(message: Message) -> int | None:
    """The forum topic a message is in (None outside forum topics)."""
    return message.message_thread_id if message.is_topic_message else None


def answer_source(message: Message) -> str:
    """The key that makes an answer count once, however often Telegram delivers it."""
    return f"msg:{message.chat.id}:{message.message_id}"


def replies_to_bot(message: Message) -> bool:
    """A reply to one of this bot's own messages (not a forum topic's root)."""
    target = message.reply_to_message
    if target is None or target.forum_topic_created is not None:
        return False
    author = target.from_user
    return author is not None and author.id == message.get_bot().id
