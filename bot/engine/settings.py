"""Chat settings: a chat's push time, timezone and subscription, the bot's membership
(removed, blocked, moved to a new id), a group's forum topic, a player's reminders, and
the topics a chat can pick from.

A change to what the scheduler plans from (push time, timezone, subscription, a chat
leaving or coming back) tells the `schedule_listeners` of the engine's context.
"""

from __future__ import annotations

from datetime import datetime

from bot.config import parse_hhmm, parse_timezone
from bot.engine.context import EngineContext, chat_settings
from bot.engine.results import ChatKey, ChatSettings, PlayerKey
from bot.errors import InvalidSetting


class Settings:
    """What a chat has set, and setting it."""

    def __init__(self, context: EngineContext) -> None:
        self.context = context

    async def ensure_chat(
        self,
        chat: ChatKey,
        now: datetime,
        *,
        is_group: bool,
        title: str = "",
        owner: PlayerKey | None = None,
    ) -> ChatSettings:
        """A chat's settings, creating the chat (with the defaults) if it is new."""
        async with self.context.store.write() as tx:
            row = await self.context.ensure_chat(
                tx, chat, now, is_group=is_group, title=title, owner=owner
            )
        return chat_settings(row)

    async def of(self, chat: ChatKey) -> ChatSettings | None:
        """A chat's settings; None for a chat never seen (nothing is created)."""
        async with self.context.store.read() as tx:
            row = await tx.chats.find(chat.platform, chat.external_id)
        return chat_settings(row) if row else None

    async def set_push_time(
        self, chat: ChatKey, text: str, now: datetime, *, is_group: bool
    ) -> ChatSettings:
        try:
            push_time = parse_hhmm(text).strftime("%H:%M")
        except ValueError as exc:
            raise InvalidSetting("push_time", str(exc), value=text) from None
        ctx = self.context
        async with ctx.store.write() as tx:
            row = await ctx.ensure_chat(tx, chat, now, is_group=is_group)
            await tx.chats.set_schedule(row.id, push_time, row.timezone)
            row = await tx.chats.find_by_id(row.id)
        ctx.schedule_changed()
        assert row is not None
        return chat_settings(row)

    async def set_timezone(
        self,
        chat: ChatKey,
        text: str,
        now: datetime,
        *,
        is_group: bool,
        player: PlayerKey | None = None,
    ) -> ChatSettings:
        """Set a chat's timezone; in a private chat it becomes the player's too."""
        try:
            timezone = parse_timezone(text).key
        except ValueError as exc:
            raise InvalidSetting("timezone", str(exc), value=text) from None
        ctx = self.context
        async with ctx.store.write() as tx:
            row = await ctx.ensure_chat(tx, chat, now, is_group=is_group)
            await tx.chats.set_schedule(row.id, row.push_time, timezone)
            if player is not None and not is_group:
                user = await ctx.ensure_user(tx, player, now)
                await tx.users.set_timezone(user.id, timezone)
            row = await tx.chats.find_by_id(row.id)
        ctx.schedule_changed()
        assert row is not None
        return chat_settings(row)

    async def set_subscribed(
        self,
        chat: ChatKey,
        subscribed: bool,
        now: datetime,
        *,
        is_group: bool,
        title: str = "",
        owner: PlayerKey | None = None,
    ) -> ChatSettings:
        ctx = self.context
        async with ctx.store.write() as tx:
            row = await ctx.ensure_chat(tx, chat, now, is_group=is_group, title=title, owner=owner)
            await tx.chats.set_subscribed(row.id, subscribed)
            row = await tx.chats.find_by_id(row.id)
        ctx.schedule_changed()
        assert row is not None
        return chat_settings(row)

    async def set_chat_active(self, chat: ChatKey, active: bool) -> None:
        """A chat the bot was removed from or blocked in (or let back into)."""
        async with self.context.store.write() as tx:
            row = await tx.chats.find(chat.platform, chat.external_id)
            if row is not None:
                await tx.chats.set_active(row.id, active)
        self.context.schedule_changed()

    async def chat_moved(self, chat: ChatKey, new_external_id: int) -> None:
        """A group got a new id (Telegram's upgrade to a supergroup): history follows it."""
        async with self.context.store.write() as tx:
            row = await tx.chats.find(chat.platform, chat.external_id)
            if row is not None:
                await tx.chats.move_and_merge(row.id, new_external_id)
        self.context.schedule_changed()

    async def set_chat_thread(self, chat: ChatKey, thread_id: int | None) -> None:
        """The forum topic a group's daily question goes to (None: the general topic)."""
        async with self.context.store.write() as tx:
            row = await tx.chats.find(chat.platform, chat.external_id)
            if row is not None:
                await tx.chats.set_thread(row.id, thread_id)

    async def set_reminders(self, player: PlayerKey, enabled: bool, now: datetime) -> None:
        async with self.context.store.write() as tx:
            user = await self.context.ensure_user(tx, player, now)
            await tx.users.set_reminders(user.id, enabled)

    def bundled_topics(self) -> list[tuple[str, int]]:
        """The bundled decks' topics (a chat's own: `chat_topics`)."""
        return self.context.library.bundled.topics()

    async def chat_topics(self, chat: ChatKey) -> list[tuple[str, int]]:
        """The topics of the decks a chat uses."""
        async with self.context.store.read() as tx:
            row = await tx.chats.find(chat.platform, chat.external_id)
        return self.context.view(row).topics()
