"""Injecting updates: the test's side of the conversation (the world's setup is in
`tests.botapi.registry`).

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
from typing import Any

from .files import stored_document
from .registry import UserRef, WorldSetup, check_status
from .state import (
    BotAccount,
    CallbackState,
    Chat,
    StoredMessage,
    UpdateRecord,
    User,
)
from .updates import command_text, detect_entities, member_json, message_json, photo_sizes

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


class Injectors(WorldSetup):
    """Mixin of ``BotApiServer``: update injection (the world's setup is ``WorldSetup``).
    Every ``inject_*`` returns the queued ``UpdateRecord``."""

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
        check_status(new_status)
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
