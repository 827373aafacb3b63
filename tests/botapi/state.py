"""What the server knows: bots, users, chats (with members and forum topics), messages,
polls, callback queries, uploaded files and each bot's update queue.

Message ids: in groups, supergroups and channels one counter per chat (shared by every
bot there, like Telegram); in a private chat one counter per (user, bot) pair, because
each bot has its own private chat with the user under the same chat id.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Literal

from .limits import RateLimiter, RateLimits

ChatType = Literal["private", "group", "supergroup", "channel"]
MemberStatus = Literal["creator", "administrator", "member", "restricted", "left", "kicked"]
MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "restricted", "left", "kicked"})
#: Update kinds Telegram leaves out unless ``allowed_updates`` asks for them.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass
class User:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code and not self.is_bot:
            data["language_code"] = self.language_code
        return data


@dataclass
class Topic:
    thread_id: int
    name: str
    icon_color: int = 7322096


@dataclass
class Chat:
    """A chat. ``members`` maps user ids (bots included) to their status; a bot without
    an entry has ``bot_status``."""

    id: int
    type: ChatType
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    is_forum: bool = False
    topics_required: bool = False
    members: dict[int, str] = field(default_factory=dict)
    bot_status: str = "member"
    topics: dict[int, Topic] = field(default_factory=dict)
    migrated_to: int | None = None
    migrated_from: int | None = None

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id}
        if self.type == "private":
            data["first_name"] = self.first_name or "User"
            if self.last_name:
                data["last_name"] = self.last_name
        else:
            data["title"] = self.title or f"Chat {self.id}"
        if self.username:
            data["username"] = self.username
        data["type"] = self.type
        if self.is_forum:
            data["is_forum"] = True
        return data

    def status_of(self, user_id: int, *, is_bot: bool) -> str:
        if self.type == "private":
            return "member"
        if user_id in self.members:
            return self.members[user_id]
        return self.bot_status if is_bot else "left"


@dataclass
class StoredMessage:
    """A message as the server holds it; ``data`` is its current Message JSON."""

    data: dict[str, Any]
    sender_bot: int | None = None  # bot user id when a bot sent it through the API
    bot_reactions: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class PollState:
    poll: dict[str, Any]
    chat_id: int
    message_id: int
    bot_id: int
    votes: dict[int, list[int]] = field(default_factory=dict)


@dataclass
class CallbackState:
    token: str
    answered: bool = False


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str
    data: bytes
    filename: str | None = None
    mime_type: str | None = None


@dataclass
class UpdateRecord:
    """One update queued for one bot.

    ``available_at`` is the monotonic time it became available to ``getUpdates``;
    ``delivered_at`` the first time a ``getUpdates`` answer carried it; ``confirmed_at``
    when an ``offset`` past it confirmed it (or it was dropped). ``skipped`` names why it
    was never delivered (``"privacy_mode"``, ``"allowed_updates"``, ``"dropped"``).
    """

    token: str
    update_id: int
    kind: str
    payload: dict[str, Any]
    available_at: float
    delivered_at: float | None = None
    confirmed_at: float | None = None
    skipped: str | None = None

    @property
    def body(self) -> dict[str, Any]:
        """The update's object (the Message of a ``message`` update, and so on)."""
        value = self.payload[self.kind]
        assert isinstance(value, dict)
        return value

    @property
    def consumed(self) -> bool:
        return self.confirmed_at is not None


@dataclass
class BotAccount:
    token: str
    user: User
    privacy_mode: bool = True
    limiter: RateLimiter = field(default_factory=lambda: RateLimiter(RateLimits()))
    updates: list[UpdateRecord] = field(default_factory=list)  # not yet confirmed
    history: list[UpdateRecord] = field(default_factory=list)  # every update ever queued
    next_update_id: int = 0
    allowed_updates: list[str] = field(default_factory=list)
    webhook_url: str = ""
    commands: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    poll_generation: int = 0
    held_polls: int = 0  # getUpdates requests waiting right now
    blocked_by: dict[int, str] = field(default_factory=dict)  # chat id -> Forbidden detail

    def get_me(self) -> dict[str, Any]:
        return {
            **self.user.to_json(),
            "can_join_groups": True,
            "can_read_all_group_messages": not self.privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def allows(self, kind: str) -> bool:
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in OPT_IN_UPDATES


class World:
    """All state of one server. Callers hold the server's lock around every use."""

    def __init__(self, *, first_update_id: int = 100_000_001) -> None:
        self.first_update_id = first_update_id
        self.bots: dict[str, BotAccount] = {}
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.logs: dict[tuple[int, int], dict[int, StoredMessage]] = {}
        self.next_message_id: dict[tuple[int, int], int] = {}
        self.polls: dict[str, PollState] = {}
        self.callbacks: dict[str, CallbackState] = {}
        self.files: dict[str, StoredFile] = {}
        self._user_ids = itertools.count(100_000_001)
        self._group_ids = itertools.count(4_100_000_001)
        self._supergroup_ids = itertools.count(1_000_000_001)
        self._ids = itertools.count(1)

    # ----------------------------------------------------------------------- identities

    def new_user_id(self) -> int:
        user_id = next(self._user_ids)
        while user_id in self.users:
            user_id = next(self._user_ids)
        return user_id

    def new_chat_id(self, chat_type: ChatType) -> int:
        while True:
            if chat_type == "group":
                chat_id = -next(self._group_ids)
            elif chat_type in ("supergroup", "channel"):
                chat_id = -1_000_000_000_000 - next(self._supergroup_ids)
            else:
                chat_id = self.new_user_id()
            if chat_id not in self.chats:
                return chat_id

    def new_serial(self) -> int:
        return next(self._ids)

    def new_file_id(self, kind: str) -> tuple[str, str]:
        serial = self.new_serial()
        return f"{kind.upper()}-{serial:08d}-AgACAgIAAxkBAAI", f"U{serial:08d}"

    # -------------------------------------------------------------------------- lookups

    def bot_by_id(self, user_id: int) -> BotAccount | None:
        for bot in self.bots.values():
            if bot.user.id == user_id:
                return bot
        return None

    def chat_by_username(self, username: str) -> Chat | None:
        name = username.lstrip("@").lower()
        for chat in self.chats.values():
            if chat.username and chat.username.lower() == name:
                return chat
        return None

    def log_key(self, chat: Chat, bot_id: int) -> tuple[int, int]:
        return (chat.id, bot_id if chat.type == "private" else 0)

    def log(self, chat: Chat, bot_id: int) -> dict[int, StoredMessage]:
        return self.logs.setdefault(self.log_key(chat, bot_id), {})

    def allocate_message_id(self, chat: Chat, bot_id: int) -> int:
        key = self.log_key(chat, bot_id)
        message_id = self.next_message_id.get(key, 1)
        self.next_message_id[key] = message_id + 1
        return message_id

    def find_message(self, chat: Chat, bot_id: int, message_id: int) -> StoredMessage | None:
        return self.log(chat, bot_id).get(message_id)
