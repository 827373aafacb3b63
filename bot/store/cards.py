"""Spaced repetition: each player's FSRS card per question (JSON, see bot.engine.srs) with
its due time, and the review log (the rating proposed, the one kept, the card before and
after)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.store import sqlite as sql
from bot.store.records import ReviewRow, maybe
from bot.store.session import Session


class CardRepository:
    __slots__ = ("_s",)

    def __init__(self, session: Session) -> None:
        self._s = session

    async def find(self, user_id: int, question_id: str) -> str | None:
        """The player's card for a question (JSON), or None if they have none."""
        row = await self._s.one(
            "SELECT card FROM cards WHERE user_id = ? AND question_id = ?", (user_id, question_id)
        )
        return row[0] if row else None

    async def save(self, user_id: int, question_id: str, card: str, due: datetime) -> None:
        await self._s.run(
            "INSERT INTO cards (user_id, question_id, card, due) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (user_id, question_id) DO UPDATE SET card = excluded.card,"
            " due = excluded.due",
            (user_id, question_id, card, sql.ts(due)),
        )

    async def due_cards(self, user_id: int, now: datetime) -> list[tuple[str, str]]:
        """(question_id, due) of the player's cards due by `now`, most overdue first."""
        rows = await self._s.all(
            "SELECT question_id, due FROM cards WHERE user_id = ? AND due <= ? ORDER BY due",
            (user_id, sql.ts(now)),
        )
        return [(row[0], row[1]) for row in rows]

    async def cards_of(self, user_id: int) -> list[tuple[str, str, str]]:
        """(question_id, card json, due) of all the player's cards, soonest due first."""
        rows = await self._s.all(
            "SELECT question_id, card, due FROM cards WHERE user_id = ? ORDER BY due", (user_id,)
        )
        return [(row[0], row[1], row[2]) for row in rows]

    async def count_on(self, user_id: int, question_ids: Sequence[str]) -> int:
        """How many of these questions a player has spaced-repetition progress on."""
        row = await self._s.one(
            f"SELECT count(*) FROM cards WHERE user_id = ? AND {self._s.dialect.in_list('question_id')}",
            (user_id, self._s.dialect.texts(question_ids)),
        )
        return int(row[0]) if row else 0

    async def add_review(
        self,
        *,
        user_id: int,
        question_id: str,
        attempt_id: int,
        rating: int,
        card_before: str | None,
        card_after: str,
        now: datetime,
    ) -> None:
        await self._s.run(
            "INSERT INTO reviews (user_id, question_id, attempt_id, proposed_rating, rating,"
            " card_before, card_after, reviewed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                user_id,
                question_id,
                attempt_id,
                rating,
                rating,
                card_before,
                card_after,
                sql.ts(now),
            ),
        )

    async def review_for_attempt(self, attempt_id: int) -> ReviewRow | None:
        row = await self._s.one("SELECT * FROM reviews WHERE attempt_id = ?", (attempt_id,))
        return maybe(ReviewRow, row)

    async def latest_review(self, user_id: int, question_id: str) -> ReviewRow | None:
        row = await self._s.one(
            "SELECT * FROM reviews WHERE user_id = ? AND question_id = ? ORDER BY id DESC LIMIT 1",
            (user_id, question_id),
        )
        return maybe(ReviewRow, row)

    async def override_review(
        self, review_id: int, rating: int, card_after: str, now: datetime
    ) -> None:
        """The player's own rating replaces the proposed one (and the card it led to)."""
        await self._s.run(
            "UPDATE reviews SET rating = ?, rated_by_user = 1, card_after = ?, reviewed_at = ?"
            " WHERE id = ?",
            (rating, card_after, sql.ts(now), review_id),
        )
