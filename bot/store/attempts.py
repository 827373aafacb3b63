"""Attempts: each answer a player gave (graded, with its points), and peeks (a player saw
a question's answer before answering it)."""

from __future__ import annotations

import json
from datetime import datetime

from bot.store import sqlite as sql
from bot.store.records import AttemptRow, HistoryEntry, NewAttempt, QuestionSummary, make, maybe
from bot.store.session import Session


class AttemptRepository:
    __slots__ = ("_s",)

    def __init__(self, session: Session) -> None:
        self._s = session

    async def find(self, attempt_id: int) -> AttemptRow | None:
        row = await self._s.one("SELECT * FROM attempts WHERE id = ?", (attempt_id,))
        return maybe(AttemptRow, row)

    async def find_by_source(self, chat_id: int, source_key: str) -> AttemptRow | None:
        row = await self._s.one(
            "SELECT * FROM attempts WHERE chat_id = ? AND source_key = ?", (chat_id, source_key)
        )
        return maybe(AttemptRow, row)

    async def find_for_delivery(self, delivery_id: int, user_id: int) -> AttemptRow | None:
        """A player's (first) attempt on a delivery."""
        row = await self._s.one(
            "SELECT * FROM attempts WHERE delivery_id = ? AND user_id = ? ORDER BY id LIMIT 1",
            (delivery_id, user_id),
        )
        return maybe(AttemptRow, row)

    async def on_delivery_with_names(self, delivery_id: int) -> list[tuple[AttemptRow, str]]:
        """Each attempt on a delivery with the player's display name, best first."""
        rows = await self._s.all(
            "SELECT a.*, u.display_name FROM attempts a JOIN users u ON u.id = a.user_id"
            " WHERE a.delivery_id = ? ORDER BY a.score DESC, a.answered_at, a.id",
            (delivery_id,),
        )
        return [(make(AttemptRow, row), row["display_name"]) for row in rows]

    async def add(self, attempt: NewAttempt) -> AttemptRow:
        row = await self._s.one(
            "INSERT INTO attempts (user_id, chat_id, question_id, delivery_id, source_key, answer,"
            " score, covered, points, local_day, answered_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
            (
                attempt.user_id,
                attempt.chat_id,
                attempt.question_id,
                attempt.delivery_id,
                attempt.source_key,
                attempt.answer,
                attempt.score,
                json.dumps(list(attempt.covered)),
                attempt.points,
                attempt.local_day,
                sql.ts(attempt.answered_at),
            ),
        )
        assert row is not None
        return make(AttemptRow, row)

    async def summary_by_question(self, user_id: int) -> list[QuestionSummary]:
        """Per question the player answered: attempts, average score, last answer time."""
        rows = await self._s.all(
            "SELECT question_id, count(*) AS answers, avg(score) AS average_score,"
            " max(answered_at) AS last_answered_at FROM attempts WHERE user_id = ?"
            " GROUP BY question_id",
            (user_id,),
        )
        return [make(QuestionSummary, row) for row in rows]

    async def answered_days(self, user_id: int) -> list[tuple[str, int]]:
        """(local day, answers) of each day the player answered, oldest first."""
        rows = await self._s.all(
            "SELECT local_day, count(*) FROM attempts WHERE user_id = ?"
            " GROUP BY local_day ORDER BY local_day",
            (user_id,),
        )
        return [(row[0], row[1]) for row in rows]

    async def questions_attempted(self, user_id: int) -> set[str]:
        rows = await self._s.all(
            "SELECT DISTINCT question_id FROM attempts WHERE user_id = ?", (user_id,)
        )
        return {row[0] for row in rows}

    async def questions_asked_on(self, user_id: int, chat_id: int, local_day: str) -> set[str]:
        """Questions a player met on a day: answered anywhere, or delivered in their chat."""
        rows = await self._s.all(
            "SELECT question_id FROM attempts WHERE user_id = ? AND local_day = ?"
            " UNION SELECT question_id FROM deliveries WHERE chat_id = ? AND local_day = ?",
            (user_id, local_day, chat_id, local_day),
        )
        return {row[0] for row in rows}

    async def members_missed(self, chat_id: int, threshold: float) -> set[str]:
        """Questions whose average score among this group's members is below `threshold`."""
        rows = await self._s.all(
            "SELECT a.question_id FROM attempts a"
            " WHERE a.user_id IN (SELECT DISTINCT user_id FROM attempts WHERE chat_id = ?)"
            " GROUP BY a.question_id HAVING avg(a.score) < ?",
            (chat_id, threshold),
        )
        return {row[0] for row in rows}

    async def history(self, user_id: int) -> list[HistoryEntry]:
        """A player's answers, oldest first, with the chat they were given in and the
        rating of their review (None when the answer had none)."""
        rows = await self._s.all(
            "SELECT a.answered_at, a.local_day, a.question_id, a.answer, a.score, a.points,"
            " c.kind AS chat_kind, c.title AS chat_title, r.rating"
            " FROM attempts a JOIN chats c ON c.id = a.chat_id"
            " LEFT JOIN reviews r ON r.attempt_id = a.id"
            " WHERE a.user_id = ? ORDER BY a.answered_at, a.id",
            (user_id,),
        )
        return [make(HistoryEntry, row) for row in rows]

    async def record_peek(self, delivery_id: int, user_id: int, now: datetime) -> None:
        """Record that a player saw a question's answer before answering it."""
        await self._s.run(
            "INSERT INTO peeks (delivery_id, user_id, peeked_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (delivery_id, user_id, sql.ts(now)),
        )

    async def peeked(self, delivery_id: int, user_id: int) -> bool:
        row = await self._s.one(
            "SELECT 1 FROM peeks WHERE delivery_id = ? AND user_id = ?", (delivery_id, user_id)
        )
        return row is not None
