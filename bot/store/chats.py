"""Chats (a Telegram chat, a Discord channel, the console): their settings, their daily
slot, and a chat moving to a new id."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.store import sqlite as sql
from bot.store.records import ChatRow, make, maybe
from bot.store.session import Session


class ChatRepository:
    __slots__ = ("_s",)

    def __init__(self, session: Session) -> None:
        self._s = session

    async def find(self, platform: str, external_id: int) -> ChatRow | None:
        row = await self._s.one(
            "SELECT * FROM chats WHERE platform = ? AND external_id = ?", (platform, external_id)
        )
        return maybe(ChatRow, row)

    async def find_by_id(self, chat_id: int) -> ChatRow | None:
        return maybe(ChatRow, await self._s.one("SELECT * FROM chats WHERE id = ?", (chat_id,)))

    async def find_by_ids(self, chat_ids: Sequence[int]) -> dict[int, ChatRow]:
        rows = await self._s.all(
            f"SELECT * FROM chats WHERE {self._s.dialect.in_list('id')}",
            (self._s.dialect.ids(chat_ids),),
        )
        return {int(row["id"]): make(ChatRow, row) for row in rows}

    async def upsert(
        self,
        platform: str,
        external_id: int,
        *,
        kind: str,
        title: str,
        timezone: str,
        push_time: str,
        now: datetime,
    ) -> ChatRow:
        """The chat's row, created with the given defaults if new; title kept up to date."""
        chat = await self.find(platform, external_id)
        if chat is not None and title in ("", chat.title):
            return chat  # the usual case: one read
        row = await self._s.one(
            "INSERT INTO chats (platform, external_id, kind, title, timezone, push_time, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (platform, external_id) DO UPDATE SET title = excluded.title"
            " WHERE excluded.title != '' AND excluded.title != chats.title RETURNING *",
            (platform, external_id, kind, title, timezone, push_time, sql.ts(now)),
        )
        assert row is not None
        return make(ChatRow, row)

    async def set_schedule(self, chat_id: int, push_time: str, timezone: str) -> None:
        await self._s.run(
            "UPDATE chats SET push_time = ?, timezone = ? WHERE id = ?",
            (push_time, timezone, chat_id),
        )

    async def set_subscribed(self, chat_id: int, subscribed: bool) -> None:
        await self._s.run(
            "UPDATE chats SET subscribed = ?, active = CASE WHEN ? THEN 1 ELSE active END"
            " WHERE id = ?",
            (int(subscribed), int(subscribed), chat_id),
        )

    async def set_active(self, chat_id: int, active: bool) -> None:
        await self._s.run("UPDATE chats SET active = ? WHERE id = ?", (int(active), chat_id))

    async def set_owner(self, chat_id: int, user_id: int) -> None:
        await self._s.run(
            "UPDATE chats SET owner_id = ? WHERE id = ? AND (owner_id IS NULL OR owner_id <> ?)",
            (user_id, chat_id, user_id),
        )

    async def set_thread(self, chat_id: int, thread_id: int | None) -> None:
        await self._s.run("UPDATE chats SET thread_id = ? WHERE id = ?", (thread_id, chat_id))

    async def set_language(self, chat_id: int, language: str | None) -> None:
        await self._s.run("UPDATE chats SET language = ? WHERE id = ?", (language, chat_id))

    async def set_question_languages(self, chat_id: int, languages: str | None) -> None:
        """The content languages of the chat's questions (codes joined with commas, see
        bot.engine.question_languages); None: every language."""
        await self._s.run(
            "UPDATE chats SET question_languages = ? WHERE id = ?", (languages, chat_id)
        )

    async def set_decks(self, chat_id: int, decks: str | None) -> None:
        """The chat's choice of decks (JSON, see bot.decks.library); None: the default."""
        await self._s.far_run("UPDATE chats SET decks = ? WHERE id = ?", (decks, chat_id))

    async def move_and_merge(self, chat_id: int, new_external_id: int) -> None:
        """Give a chat a new external id (a Telegram group upgraded to a supergroup).

        If the new id already has a row (the bot saw the supergroup first), that row's
        history is folded into this one before it is removed, so nothing is lost.
        """
        chat = await self.find_by_id(chat_id)
        if chat is None or chat.external_id == new_external_id:
            return
        other = await self.find(chat.platform, new_external_id)
        run = self._s.far_run
        if other is not None:
            # Both chats may hold a daily question for the same day, and message ids
            # restart in a supergroup: make such rows distinct instead of dropping them.
            await run(
                "UPDATE deliveries SET kind = 'asked' WHERE chat_id = ? AND kind = 'daily'"
                " AND local_day IN (SELECT local_day FROM deliveries"
                " WHERE chat_id = ? AND kind = 'daily')",
                (other.id, chat_id),
            )
            await run("UPDATE deliveries SET chat_id = ? WHERE chat_id = ?", (chat_id, other.id))
            await run(
                "UPDATE attempts SET source_key = 'moved:' || id || ':' || source_key"
                " WHERE chat_id = ? AND source_key IN"
                " (SELECT source_key FROM attempts WHERE chat_id = ?)",
                (other.id, chat_id),
            )
            await run("UPDATE attempts SET chat_id = ? WHERE chat_id = ?", (chat_id, other.id))
            await run(
                "INSERT INTO scores (chat_id, period, user_id, points, reached_at)"
                " SELECT ?, period, user_id, points, reached_at FROM scores WHERE chat_id = ?"
                " ON CONFLICT (chat_id, period, user_id) DO UPDATE SET"
                " points = scores.points + excluded.points,"
                f" reached_at = {self._s.dialect.later('scores.reached_at', 'excluded.reached_at')}",
                (chat_id, other.id),
            )
            await run("DELETE FROM chats WHERE id = ?", (other.id,))
        await run("UPDATE chats SET external_id = ? WHERE id = ?", (new_external_id, chat_id))

    async def schedule_slots(self, platform: str) -> list[tuple[str, str, int]]:
        """The distinct (push_time, timezone) of a platform's subscribed, active chats,
        each with its number of chats."""
        rows = await self._s.all(
            "SELECT push_time, timezone, count(*) FROM chats"
            f" WHERE {self._s.dialect.flag('subscribed')} AND {self._s.dialect.flag('active')}"
            " AND platform = ?"
            " GROUP BY push_time, timezone ORDER BY push_time, timezone",
            (platform,),
        )
        return [(row[0], row[1], int(row[2])) for row in rows]

    async def awaiting_daily_in_slot(
        self, platform: str, push_time: str, timezone: str, local_day: str
    ) -> list[ChatRow]:
        """A slot's subscribed, active chats with no daily delivery for `local_day` yet."""
        rows = await self._s.all(
            f"SELECT * FROM chats c WHERE {self._s.dialect.flag('c.subscribed')}"
            f" AND {self._s.dialect.flag('c.active')} AND c.platform = ?"
            " AND c.push_time = ? AND c.timezone = ? AND NOT EXISTS (SELECT 1 FROM deliveries d"
            " WHERE d.chat_id = c.id AND d.kind = 'daily' AND d.local_day = ?) ORDER BY c.id",
            (platform, push_time, timezone, local_day),
        )
        return [make(ChatRow, row) for row in rows]
