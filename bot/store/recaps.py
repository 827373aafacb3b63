"""Weekly recaps of a group: which groups get one, the week last recapped, and the week's
figures (answers, players, per-question scores, questions first sent)."""

from __future__ import annotations

from datetime import datetime

from bot.store import sqlite as sql
from bot.store.records import ChatRow, make
from bot.store.session import Session


class RecapRepository:
    __slots__ = ("_s",)

    def __init__(self, session: Session) -> None:
        self._s = session

    async def candidates(self, platform: str) -> list[tuple[ChatRow, str | None]]:
        """A platform's subscribed, active groups, each with the Monday of the last week
        recapped there (None if never)."""
        rows = await self._s.all(
            "SELECT * FROM chats WHERE kind = 'group'"
            f" AND {self._s.dialect.flag('subscribed')} AND {self._s.dialect.flag('active')}"
            " AND platform = ? ORDER BY id",
            (platform,),
        )
        return [(make(ChatRow, row), row["recap_week"]) for row in rows]

    async def claim(self, chat_id: int, week: str) -> bool:
        """Record that the week starting `week` is recapped in a chat; False if it (or a
        later week) already was."""
        changed = await self._s.run(
            "UPDATE chats SET recap_week = ? WHERE id = ?"
            " AND (recap_week IS NULL OR recap_week < ?)",
            (week, chat_id, week),
        )
        return changed > 0

    async def activity_between(
        self, chat_id: int, start: datetime, end: datetime
    ) -> tuple[int, int]:
        """Answers in a chat with `start <= answered_at < end`, and how many players gave them."""
        row = await self._s.far_one(
            "SELECT count(*), count(DISTINCT user_id) FROM attempts"
            " WHERE chat_id = ? AND answered_at >= ? AND answered_at < ?",
            (chat_id, sql.ts(start), sql.ts(end)),
        )
        return (int(row[0]), int(row[1])) if row else (0, 0)

    async def question_scores_between(
        self, chat_id: int, start: datetime, end: datetime
    ) -> list[tuple[str, int, float]]:
        """(question_id, answers, average score) of a chat's answers in [start, end)."""
        rows = await self._s.all(
            "SELECT question_id, count(*), avg(score) FROM attempts"
            " WHERE chat_id = ? AND answered_at >= ? AND answered_at < ?"
            " GROUP BY question_id ORDER BY question_id",
            (chat_id, sql.ts(start), sql.ts(end)),
        )
        return [(row[0], int(row[1]), float(row[2])) for row in rows]

    async def first_sent_days(self, chat_id: int) -> list[tuple[str, str]]:
        """Each question sent to a chat, with the local day it was first sent."""
        rows = await self._s.all(
            "SELECT question_id, min(local_day) FROM deliveries"
            " WHERE chat_id = ? AND status = 'sent' GROUP BY question_id ORDER BY question_id",
            (chat_id,),
        )
        return [(row[0], row[1]) for row in rows]
