"""Setting up the world and injecting updates (the test's side of the conversation).

Everything here is synchronous and thread-safe (it takes the server's lock), so a test
can call it from the event loop, from another thread, or while the server runs in its
own thread.

Group privacy mode (Telegram's default for bots): an injected group message the bot would
not see (not a command for it, not a reply to its message, not a mention, and the bot is
not an admin) is recorded with ``skipped="privacy_mode"`` and never delivered. Register
the bot with ``privacy_mode=False`` to see everything.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Mapping
from typing import Any

from .files import stored_document
from .methods import BotApi
from .signals import Signal
from .state import (
    MEMBER_STATUSES,
    BotAccount,
    CallbackState,
    Chat,
    ChatType,
    StoredMessage,
    Topic,
    UpdateRecord,
    User,
    World,
)
from .updates import command_text, detect_entities, member_json, message_json, photo_sizes

UserRef = int | Mapping[str, Any] | None

_SERVICE_KEYS = frozenset(
    {
        "new_chat_members",
        "left_chat_member",
        "new_chat_title",
        "migrate_to_chat_id",
        "migrate_from_chat_id",
        "pinned_message",
        "forum_topic_created",
        "group_chat_created",
        "supergroup_chat_created",
    }
)
# the default group member; generated user ids start above it
_DEFAULT_USER = {
    "id": 100_000_000,
    "first_name": "Alice",
    "username": "alice",
    "language_code": "en",
}


class Injectors:
    """Mixin of ``BotApiServer``: registration of bots, users and chats, and update
    injection. Every ``inject_*`` returns the queued ``UpdateRecord``."""

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
                _check_status(status)
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
        _check_status(status)
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

    # ------------------------------------------------------------------------ updates

    def _queue(
        self, bot: BotAccount, kind: str, obj: dict[str, Any], *, skipped: str | None = None
    ) -> UpdateRecord:
        if bot.next_update_id == 0:
            bot.next_update_id = self._world.first_update_id
        update_id = bot.next_update_id
        bot.next_update_id += 1
        now = self._monotonic()
        record = UpdateRecord(
            token=bot.token,
            update_id=update_id,
            kind=kind,
            payload={"update_id": update_id, kind: copy.deepcopy(obj)},
            available_at=now,
            skipped=skipped,
        )
        bot.history.append(record)
        if skipped:
            record.confirmed_at = now
        else:
            bot.updates.append(record)
        self._signal.notify()
        return record

    def inject_update(
        self, kind: str, obj: dict[str, Any], *, token: str | None = None
    ) -> UpdateRecord:
        """Queue any update as given: ``{"update_id": ..., kind: obj}``."""
        with self._lock:
            return self._queue(self._bot(token), kind, obj)

    def _queue_message(
        self,
        bot: BotAccount,
        chat: Chat,
        user: User | None,
        *,
        text: str | None = None,
        entities: list[dict[str, Any]] | None = None,
        content: dict[str, Any] | None = None,
        reply_to: int | None = None,
        thread_id: int | None = None,
        date: int | None = None,
    ) -> UpdateRecord:
        world = self._world
        if thread_id is not None:
            if not chat.is_forum:
                raise ValueError(f"chat {chat.id} is not a forum")
            if thread_id not in chat.topics:
                raise ValueError(f"no topic {thread_id} in chat {chat.id}: call add_topic()")
        reply: dict[str, Any] | None = None
        if reply_to is not None:
            target = world.find_message(chat, bot.user.id, reply_to)
            if target is None:
                raise ValueError(f"no message {reply_to} in chat {chat.id} to reply to")
            reply = target.data
        elif thread_id is not None:
            root = world.find_message(chat, bot.user.id, thread_id)
            reply = root.data if root is not None else None
        is_channel = chat.type == "channel"
        if user is not None and chat.is_group and user.id not in chat.members:
            chat.members[user.id] = "member"
        if text is not None and entities is None:
            entities = detect_entities(text)
        message_id = world.allocate_message_id(chat, bot.user.id)
        data = message_json(
            message_id=message_id,
            date=date if date is not None else self._api.now(),
            chat=chat.to_json(),
            sender=None if is_channel or user is None else user.to_json(),
            sender_chat=chat.to_json() if is_channel else None,
            text=text,
            entities=entities,
            thread_id=thread_id,
            is_topic_message=thread_id is not None,
            reply_to=reply,
            content=content,
        )
        world.log(chat, bot.user.id)[message_id] = StoredMessage(data=data)
        kind = "channel_post" if is_channel else "message"
        skipped = None if self._visible(bot, chat, data) else "privacy_mode"
        return self._queue(bot, kind, data, skipped=skipped)

    def _visible(self, bot: BotAccount, chat: Chat, message: dict[str, Any]) -> bool:
        """Whether a bot in privacy mode receives this group message."""
        if not chat.is_group or not bot.privacy_mode:
            return True
        if chat.status_of(bot.user.id, is_bot=True) in ("administrator", "creator"):
            return True
        if _SERVICE_KEYS & message.keys():
            return True
        reply = message.get("reply_to_message")
        if reply and reply.get("from", {}).get("id") == bot.user.id:
            return True
        text = message.get("text") or message.get("caption") or ""
        entities = message.get("entities") or message.get("caption_entities") or []
        encoded = text.encode("utf-16-le")
        name = (bot.user.username or "").lower()
        for entity in entities:
            start, length = entity["offset"] * 2, entity["length"] * 2
            piece = encoded[start : start + length].decode("utf-16-le").lower()
            if entity["type"] == "bot_command":
                _, _, target = piece.partition("@")
                if not target or target == name:
                    return True
            if entity["type"] == "mention" and piece == "@" + name:
                return True
        return False

    def inject_message(
        self,
        chat_id: int,
        text: str | None = None,
        *,
        from_user: UserRef = None,
        token: str | None = None,
        entities: list[dict[str, Any]] | None = None,
        reply_to: int | None = None,
        thread_id: int | None = None,
        content: dict[str, Any] | None = None,
        date: int | None = None,
    ) -> UpdateRecord:
        """A user's message (a ``channel_post`` in a channel).

        ``from_user``: a user id, a User-like dict (``{"id", "first_name", "username",
        "language_code", "is_bot"}``) or None (the private chat's user; "Alice" in groups).
        Entities (commands, mentions, URLs, hashtags) are detected unless given.
        ``reply_to`` is a stored message id (the bot's or a user's): ``reply_to_message``
        is filled from it. ``thread_id`` puts it in a forum topic (``message_thread_id`` and
        ``is_topic_message``; without ``reply_to`` it replies to the topic's root message,
        like Telegram). ``content`` adds fields (``sticker``, ``photo``, ``voice``...).
        """
        with self._lock:
            bot = self._bot(token)
            chat = self._chat(chat_id)
            if chat.migrated_to is not None:
                raise ValueError(f"chat {chat_id} was migrated to {chat.migrated_to}")
            user = None if chat.type == "channel" else self._user(from_user, chat)
            return self._queue_message(
                bot,
                chat,
                user,
                text=text,
                entities=entities,
                content=content,
                reply_to=reply_to,
                thread_id=thread_id,
                date=date,
            )

    def inject_command(
        self,
        chat_id: int,
        command: str,
        args: str = "",
        *,
        mention: bool | str = False,
        **kwargs: Any,
    ) -> UpdateRecord:
        """``/command args``; ``mention=True`` writes ``/command@thisbot``, a string names
        another bot. Takes ``inject_message``'s keywords."""
        with self._lock:
            bot = self._bot(kwargs.get("token"))
            name = mention if isinstance(mention, str) else (bot.user.username if mention else None)
        return self.inject_message(chat_id, command_text(command, args, name), **kwargs)

    def inject_reply(self, chat_id: int, reply_to: int, text: str, **kwargs: Any) -> UpdateRecord:
        """A user's text reply to message ``reply_to`` (e.g. the bot's question)."""
        return self.inject_message(chat_id, text, reply_to=reply_to, **kwargs)

    def inject_edited_message(
        self,
        chat_id: int,
        message_id: int,
        text: str,
        *,
        token: str | None = None,
        entities: list[dict[str, Any]] | None = None,
    ) -> UpdateRecord:
        """The user edits their message: ``edited_message`` (``edited_channel_post``)."""
        with self._lock:
            bot = self._bot(token)
            chat = self._chat(chat_id)
            stored = self._world.find_message(chat, bot.user.id, message_id)
            if stored is None:
                raise ValueError(f"no message {message_id} in chat {chat_id}")
            data = stored.data
            data["text"] = text
            found = entities if entities is not None else detect_entities(text)
            if found:
                data["entities"] = found
            else:
                data.pop("entities", None)
            data["edit_date"] = self._api.now()
            kind = "edited_channel_post" if chat.type == "channel" else "edited_message"
            skipped = None if self._visible(bot, chat, data) else "privacy_mode"
            return self._queue(bot, kind, data, skipped=skipped)

    def inject_sticker(self, chat_id: int, emoji: str = "👍", **kwargs: Any) -> UpdateRecord:
        with self._lock:
            file_id, unique_id = self._world.new_file_id("sticker")
        sticker = {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "set_name": "TestStickers",
            "file_size": 23_456,
        }
        return self.inject_message(chat_id, content={"sticker": sticker}, **kwargs)

    def inject_photo(self, chat_id: int, caption: str | None = None, **kwargs: Any) -> UpdateRecord:
        with self._lock:
            file_id, unique_id = self._world.new_file_id("photo")
        content: dict[str, Any] = {"photo": photo_sizes(file_id, unique_id, 1280, 960, 98_765)}
        if caption:
            content["caption"] = caption
            content["caption_entities"] = detect_entities(caption)
            if not content["caption_entities"]:
                del content["caption_entities"]
        return self.inject_message(chat_id, content=content, **kwargs)

    def inject_document(
        self,
        chat_id: int,
        data: bytes,
        filename: str,
        *,
        mime_type: str | None = None,
        caption: str | None = None,
        **kwargs: Any,
    ) -> UpdateRecord:
        """A user sends a file; the bot can fetch it with getFile and download it."""
        with self._lock:
            _, document = stored_document(self._world, data, filename, mime_type)
        content: dict[str, Any] = {"document": document}
        if caption:
            content["caption"] = caption
        return self.inject_message(chat_id, content=content, **kwargs)

    def inject_voice(self, chat_id: int, duration: int = 3, **kwargs: Any) -> UpdateRecord:
        with self._lock:
            file_id, unique_id = self._world.new_file_id("voice")
        voice = {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": 4_000 * duration,
        }
        return self.inject_message(chat_id, content={"voice": voice}, **kwargs)

    def inject_bot_message(
        self, chat_id: int, text: str, *, bot_username: str = "other_test_bot", **kwargs: Any
    ) -> UpdateRecord:
        """A message whose sender is another bot (``from.is_bot`` true). Note that real
        Telegram never delivers other bots' messages to a bot; this tests the filtering."""
        with self._lock:
            sender_id = next(
                (
                    u.id
                    for u in self._world.users.values()
                    if u.is_bot and u.username == bot_username
                ),
                None,
            )
        if sender_id is None:
            sender_id = self.add_user(
                first_name="Other Bot", username=bot_username, is_bot=True, language_code=None
            )["id"]
        return self.inject_message(chat_id, text, from_user=sender_id, **kwargs)

    def inject_channel_post(self, chat_id: int, text: str, **kwargs: Any) -> UpdateRecord:
        """A post in a channel (the chat must be registered as a channel)."""
        with self._lock:
            if self._chat(chat_id).type != "channel":
                raise ValueError(f"chat {chat_id} is not a channel")
        return self.inject_message(chat_id, text, **kwargs)

    def inject_callback_query(
        self,
        chat_id: int,
        message_id: int,
        data: str | None,
        *,
        from_user: UserRef = None,
        token: str | None = None,
    ) -> UpdateRecord:
        """A button press on stored message ``message_id`` (its current state is embedded).
        The query can be answered once with ``answerCallbackQuery``. ``data`` None leaves
        the field out, as for a game button."""
        with self._lock:
            bot = self._bot(token)
            chat = self._chat(chat_id)
            stored = self._world.find_message(chat, bot.user.id, message_id)
            if stored is None:
                raise ValueError(f"no message {message_id} in chat {chat_id}")
            user = self._user(from_user, chat)
            query_id = str(4_000_000_000_000_000_000 + self._world.new_serial())
            self._world.callbacks[query_id] = CallbackState(token=bot.token)
            query = {
                "id": query_id,
                "from": user.to_json(),
                "message": stored.data,
                "chat_instance": str(abs(hash((chat.id, bot.user.id))) % 10**19),
            }
            if data is not None:
                query["data"] = data
            return self._queue(bot, "callback_query", query)

    def inject_poll_answer(
        self,
        poll_id: str,
        option_ids: list[int],
        *,
        from_user: UserRef = None,
        token: str | None = None,
    ) -> UpdateRecord:
        """A user's vote in a non-anonymous poll the bot sent (empty list = vote
        retracted). Vote counts on the stored poll follow."""
        with self._lock:
            state = self._world.polls.get(poll_id)
            if state is None:
                raise ValueError(f"no poll {poll_id}")
            poll = state.poll
            if poll["is_anonymous"]:
                raise ValueError("anonymous polls produce no poll_answer updates")
            owner = self._world.bot_by_id(state.bot_id)
            bot = self._bot(token) if token is not None or owner is None else owner
            chat = self._world.chats.get(state.chat_id)
            user = self._user(from_user, chat)
            state.votes[user.id] = list(option_ids)
            for index, option in enumerate(poll["options"]):
                option["voter_count"] = sum(index in votes for votes in state.votes.values())
            poll["total_voter_count"] = sum(1 for votes in state.votes.values() if votes)
            answer = {
                "poll_id": poll_id,
                "user": user.to_json(),
                "option_ids": list(option_ids),
                "option_persistent_ids": [
                    poll["options"][index]["persistent_id"] for index in option_ids
                ],
            }
            return self._queue(bot, "poll_answer", answer)

    def inject_poll_update(self, poll_id: str, *, token: str | None = None) -> UpdateRecord:
        """A ``poll`` update with the poll's current state."""
        with self._lock:
            state = self._world.polls.get(poll_id)
            if state is None:
                raise ValueError(f"no poll {poll_id}")
            owner = self._world.bot_by_id(state.bot_id)
            bot = self._bot(token) if token is not None or owner is None else owner
            return self._queue(bot, "poll", state.poll)

    def inject_my_chat_member(
        self,
        chat_id: int,
        new_status: str,
        *,
        old_status: str | None = None,
        from_user: UserRef = None,
        token: str | None = None,
    ) -> UpdateRecord:
        """The bot's own membership changed; the server's state follows (in a private
        chat ``kicked`` = blocked by the user, ``member`` = unblocked)."""
        _check_status(new_status)
        with self._lock:
            bot = self._bot(token)
            chat = self._chat(chat_id)
            user = self._user(from_user, chat)
            if chat.type == "private":
                old = old_status or ("kicked" if chat.id in bot.blocked_by else "member")
                if new_status == "kicked":
                    bot.blocked_by[chat.id] = "bot was blocked by the user"
                else:
                    bot.blocked_by.pop(chat.id, None)
            else:
                old = old_status or chat.status_of(bot.user.id, is_bot=True)
                chat.members[bot.user.id] = new_status
            bot_json = bot.user.to_json()
            update = {
                "chat": chat.to_json(),
                "from": user.to_json(),
                "date": self._api.now(),
                "old_chat_member": member_json(bot_json, old),
                "new_chat_member": member_json(bot_json, new_status),
            }
            return self._queue(bot, "my_chat_member", update)

    def inject_bot_added(self, chat_id: int, status: str = "member", **kwargs: Any) -> UpdateRecord:
        return self.inject_my_chat_member(chat_id, status, old_status="left", **kwargs)

    def inject_bot_removed(
        self, chat_id: int, *, kicked: bool = False, **kwargs: Any
    ) -> UpdateRecord:
        return self.inject_my_chat_member(chat_id, "kicked" if kicked else "left", **kwargs)

    def inject_bot_blocked(self, user_id: int, **kwargs: Any) -> UpdateRecord:
        """The user blocked the bot: my_chat_member (member -> kicked); sends now 403."""
        return self.inject_my_chat_member(user_id, "kicked", old_status="member", **kwargs)

    def inject_bot_unblocked(self, user_id: int, **kwargs: Any) -> UpdateRecord:
        return self.inject_my_chat_member(user_id, "member", old_status="kicked", **kwargs)


def _check_status(status: str) -> None:
    if status not in MEMBER_STATUSES:
        raise ValueError(f"unknown member status {status!r}")


def _check_chat_id(chat_id: int, chat_type: str) -> None:
    if chat_type == "private" and chat_id <= 0:
        raise ValueError("private chat ids are positive (the user's id)")
    if chat_type == "group" and not -1_000_000_000_000 < chat_id < 0:
        raise ValueError("group ids are negative and not -100xxxxxxxxxx")
    if chat_type in ("supergroup", "channel") and chat_id > -1_000_000_000_000:
        raise ValueError(f"{chat_type} ids look like -100xxxxxxxxxx")
