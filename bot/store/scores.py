"""Leaderboards: each member's running points per chat and period ('all', a week).

Ranks read the `scores_ranking` index: points down, then who reached them first.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.store import sqlite as sql
from bot.store.records import ScoreRow, UserRow, make
from bot.store.session import Session

_SELECT_SCORES = (
    "SELECT s.user_id, u.display_name, s.points, s.reached_at, u.current_streak,"
    " u.last_active_day, u.freezes, u.timezone FROM scores s JOIN users u ON u.id = s.user_id"
)


class ScoreRepository:
    __slots__ = ("_s",)

    def __init__(self, session: Session) -> None:
        self._s = session

    async def add_points(
        self, chat_id: int, user_id: int, periods: Iterable[str], points: int, now: datetime
    ) -> None:
        """Add to a member's running totals; `reached_at` breaks ties (earlier wins)."""
        stamp = sql.ts(now)
        await self._s.many(
            "INSERT INTO scores (chat_id, period, user_id, points, reached_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (chat_id, period, user_id) DO UPDATE SET"
            " points = scores.points + excluded.points,"
            " reached_at = CASE WHEN excluded.points > 0 THEN excluded.reached_at"
            " ELSE scores.reached_at END",
            [(chat_id, period, user_id, points, stamp) for period in periods],
        )

    async def top(self, chat_id: int, period: str, limit: int) -> list[ScoreRow]:
        """The best `limit` members of a period, best first (read from scores_ranking)."""
        rows = await self._s.all(
            _SELECT_SCORES + " WHERE s.chat_id = ? AND s.period = ?"
            " ORDER BY s.points DESC, s.reached_at, s.user_id LIMIT ?",
            (chat_id, period, limit),
        )
        return [make(ScoreRow, row) for row in rows]

    async def rank_of(self, chat_id: int, period: str, user_id: int) -> tuple[int, ScoreRow] | None:
        """A member's rank (1-based) and score row in a period, or None if they have none."""
        row = await self._s.one(
            _SELECT_SCORES + " WHERE s.chat_id = ? AND s.period = ? AND s.user_id = ?",
            (chat_id, period, user_id),
        )
        if row is None:
            return None
        mine = make(ScoreRow, row)
        # Two ranges of the ranking index (more points; as many, reached earlier): one
        # OR over both made SQLite walk every member of the chat instead.
        ahead = await self._s.one(
            "SELECT (SELECT count(*) FROM scores WHERE chat_id = ? AND period = ?"
            " AND points > ?) + (SELECT count(*) FROM scores WHERE chat_id = ?"
            " AND period = ? AND points = ? AND (reached_at, user_id) < (?, ?))",
            (
                chat_id,
                period,
                mine.points,
                chat_id,
                period,
                mine.points,
                mine.reached_at,
                user_id,
            ),
        )
        assert ahead is not None
        return int(ahead[0]) + 1, mine

    async def count(self, chat_id: int, period: str) -> int:
        """How many members have a score in a period."""
        row = await self._s.one(
            "SELECT count(*) FROM scores WHERE chat_id = ? AND period = ?", (chat_id, period)
        )
        return int(row[0]) if row else 0

    async def members(self, chat_id: int) -> list[UserRow]:
        """Everyone on a group's all-time leaderboard (whoever answered there)."""
        rows = await self._s.all(
            "SELECT u.* FROM scores s JOIN users u ON u.id = s.user_id"
            " WHERE s.chat_id = ? AND s.period = 'all' ORDER BY u.id",
            (chat_id,),
        )
        return [make(UserRow, row) for row in rows]
