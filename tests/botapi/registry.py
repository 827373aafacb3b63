"""Setting up the fake Bot API's world: bots, users, chats, members, forum topics, blocks
and group migrations (the test's side, before and between updates).

Everything here is synchronous and thread-safe (it takes the server's lock), so a test
can call it from the event loop, from another thread, or while the server runs in its
own thread. `tests.botapi.inject` builds on it to inject updates.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from .methods import BotApi
from .signals import Signal
from .state import (
    MEMBER_STATUSES,
    BotAccount,
    Chat,
    ChatType,
    StoredMessage,
    Topic,
    User,
    World,
)
from .updates import message_json

UserRef = int | Mapping[str, Any] | None

# the default group member; generated user ids start above it
_DEFAULT_USER = {
    "id": 100_000_000,
    "first_name": "Alice",
    "username": "alice",
    "language_code": "en",
}


class WorldSetup:
    """Mixin of ``BotApiServer``: registration of bots, users and chats, and changes to
    them."""

    _lock: threading.RLock
    _world: World
    _api: BotApi
    _signal: Signal
    _monotonic: Callable[[], float]

    # ----------------------------------------------------------------- bots and users

    def add_bot(
        self,
        token: str,
        *,
        username: str | None = None,
        first_name: str | None = None,
        privacy_mode: bool = True,
    ) -> dict[str, Any]:
        """Register (or update) the bot behind ``token``; returns its User JSON."""
        with self._lock:
            bot = self._register_bot(token)
            if username is not None:
                bot.user.username = username
            if first_name is not None:
                bot.user.first_name = first_name
            bot.privacy_mode = privacy_mode
            return bot.user.to_json()

    def _register_bot(self, token: str) -> BotAccount:
        raise NotImplementedError

    def bot_user(self, token: str | None = None) -> dict[str, Any]:
        """The bot's User JSON (what ``getMe`` returns, minus the capability flags)."""
        with self._lock:
            return self._bot(token).user.to_json()

    def add_user(
        self,
        user_id: int | None = None,
        first_name: str = "Alice",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        is_bot: bool = False,
    ) -> dict[str, Any]:
        """Register a user (a new id when ``user_id`` is None); returns its User JSON."""
        with self._lock:
            uid = user_id if user_id is not None else self._world.new_user_id()
            user = User(
                id=uid,
                first_name=first_name,
                last_name=last_name,
                username=username,
                language_code=language_code,
                is_bot=is_bot,
            )
            self._world.users[uid] = user
            chat = self._world.chats.get(uid)
            if chat is not None and chat.type == "private":
                chat.first_name, chat.last_name, chat.username = first_name, last_name, username
            return user.to_json()

    def _bot(self, token: str | None) -> BotAccount:
        bots = self._world.bots
        if token is not None:
            return self._register_bot(token)
        if len(bots) == 1:
            return next(iter(bots.values()))
        if not bots:
            raise ValueError("no bot registered yet: call add_bot(token) first")
        raise ValueError("several bots registered: pass token=")

    def _user(self, ref: UserRef, chat: Chat | None = None) -> User:
        world = self._world
        if ref is None:
            if chat is not None and chat.type == "private":
                return self._api.user(chat.id)
            ref = _DEFAULT_USER
            if _DEFAULT_USER["id"] in world.users:
                return world.users[int(_DEFAULT_USER["id"])]
        if isinstance(ref, int):
            return self._api.user(ref)
        data = dict(ref)
        uid = int(data.get("id") or world.new_user_id())
        user = User(
            id=uid,
            first_name=str(data.get("first_name") or f"User{uid}"),
            last_name=data.get("last_name"),
            username=data.get("username"),
            language_code=data.get("language_code", "en"),
            is_bot=bool(data.get("is_bot", False)),
        )
        world.users[uid] = user
        return user

    # -------------------------------------------------------------------------- chats

    def add_chat(
        self,
        chat_type: ChatType = "group",
        *,
        chat_id: int | None = None,
        title: str | None = None,
        username: str | None = None,
        forum: bool = False,
        topics_required: bool = False,
        members: Mapping[int, str] | None = None,
        bot_status: str | None = None,
    ) -> dict[str, Any]:
        """Register a chat; returns its Chat JSON.

        Ids: private = the user's id (> 0); group < 0; supergroup and channel
        -100xxxxxxxxxx. ``forum`` makes a supergroup a forum; with ``topics_required`` a
        send without ``message_thread_id`` fails with 400 ``message thread not found``.
        ``members`` maps user ids (bots too) to creator/administrator/member/restricted/
        left/kicked; bots not listed get ``bot_status`` (member; administrator in
        channels).
        """
        with self._lock:
            world = self._world
            cid = chat_id if chat_id is not None else world.new_chat_id(chat_type)
            _check_chat_id(cid, chat_type)
            if chat_type == "private":
                user = self._api.user(cid)
                chat = self._api.private_chat(user)
                return chat.to_json()
            if forum and chat_type != "supergroup":
                raise ValueError("only supergroups can be forums")
            chat = Chat(
                id=cid,
                type=chat_type,
                title=title or f"Test {chat_type} {abs(cid) % 10_000}",
                username=username,
                is_forum=forum,
                topics_required=topics_required,
                bot_status=bot_status or ("administrator" if chat_type == "channel" else "member"),
            )
            for user_id, status in (members or {}).items():
                check_status(status)
                if world.bot_by_id(user_id) is None:
                    self._api.user(user_id)
                chat.members[user_id] = status
            world.chats[cid] = chat
            return chat.to_json()

    def _chat(self, chat_id: int) -> Chat:
        chat = self._world.chats.get(chat_id)
        if chat is None:
            if chat_id > 0:
                return self._api.private_chat(self._api.user(chat_id))
            raise ValueError(f"chat {chat_id} is not registered: call add_chat() first")
        return chat

    def set_member(self, chat_id: int, user_id: int, status: str) -> None:
        """Set a user's (or bot's) status in a group, supergroup or channel."""
        check_status(status)
        with self._lock:
            self._chat(chat_id).members[user_id] = status
            self._signal.notify()

    def set_bot_status(self, chat_id: int, status: str, *, token: str | None = None) -> None:
        """Set the bot's own status in a chat (e.g. administrator, left, kicked)."""
        with self._lock:
            bot = self._bot(token)
        self.set_member(chat_id, bot.user.id, status)

    def add_topic(self, chat_id: int, name: str = "Topic", *, from_user: UserRef = None) -> int:
        """Create a forum topic; returns its ``message_thread_id`` (the id of the
        ``forum_topic_created`` service message, as in Telegram)."""
        with self._lock:
            chat = self._chat(chat_id)
            if not chat.is_forum:
                raise ValueError(f"chat {chat_id} is not a forum")
            user = self._user(from_user, chat)
            message_id = self._world.allocate_message_id(chat, 0)
            topic = Topic(thread_id=message_id, name=name)
            data = message_json(
                message_id=message_id,
                date=self._api.now(),
                chat=chat.to_json(),
                sender=user.to_json(),
                thread_id=message_id,
                is_topic_message=True,
                content={"forum_topic_created": {"name": name, "icon_color": topic.icon_color}},
            )
            self._world.log(chat, 0)[message_id] = StoredMessage(data=data)
            chat.topics[message_id] = topic
            return message_id

    def block(
        self,
        chat_id: int,
        *,
        token: str | None = None,
        reason: str = "bot was blocked by the user",
    ) -> None:
        """Make sends to a private chat fail with 403 ``Forbidden: {reason}`` (no update;
        see ``inject_bot_blocked`` for the my_chat_member update as well)."""
        with self._lock:
            self._bot(token).blocked_by[chat_id] = reason
            self._signal.notify()

    def unblock(self, chat_id: int, *, token: str | None = None) -> None:
        with self._lock:
            self._bot(token).blocked_by.pop(chat_id, None)
            self._signal.notify()

    def migrate_chat(
        self,
        old_chat_id: int,
        new_chat_id: int | None = None,
        *,
        from_user: UserRef = None,
        notify: bool = True,
    ) -> int:
        """Upgrade a group to a supergroup; returns the new id.

        Afterwards a call to the old id fails with 400 ``group chat was upgraded to a
        supergroup chat`` and ``parameters.migrate_to_chat_id``. With ``notify`` every
        bot in the group gets the two service messages Telegram sends: one in the old chat
        with ``migrate_to_chat_id``, one in the new chat with ``migrate_from_chat_id``.
        """
        with self._lock:
            world = self._world
            old = self._chat(old_chat_id)
            if old.type != "group":
                raise ValueError("only a group can be migrated to a supergroup")
            new_id = new_chat_id if new_chat_id is not None else world.new_chat_id("supergroup")
            _check_chat_id(new_id, "supergroup")
            new = Chat(
                id=new_id,
                type="supergroup",
                title=old.title,
                members=dict(old.members),
                bot_status=old.bot_status,
                migrated_from=old.id,
            )
            world.chats[new_id] = new
            user = self._user(from_user, old)
            bots = [
                bot
                for bot in world.bots.values()
                if old.status_of(bot.user.id, is_bot=True) not in ("left", "kicked")
            ]
            if notify:
                for bot in bots:
                    self._queue_message(bot, old, user, content={"migrate_to_chat_id": new_id})
                    self._queue_message(bot, new, user, content={"migrate_from_chat_id": old.id})
            old.migrated_to = new_id
            return new_id


def check_status(status: str) -> None:
    if status not in MEMBER_STATUSES:
        raise ValueError(f"unknown member status {status!r}")


def _check_chat_id(chat_id: int, chat_type: str) -> None:
    if chat_type == "private" and chat_id <= 0:
        raise ValueError("private chat ids are positive (the user's id)")
    if chat_type == "group" and not -1_000_000_000_000 < chat_id < 0:
        raise ValueError("group ids are negative and not -100xxxxxxxxxx")
    if chat_type in ("supergroup", "channel") and chat_id > -1_000_000_000_000:
        raise ValueError(f"{chat_type} ids look like -100xxxxxxxxxx")
