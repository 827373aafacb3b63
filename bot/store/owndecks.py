"""Own decks: decks people send to the bot, stored whole (their source and parsed body)."""

from __future__ import annotations

from datetime import datetime

from bot.store import sqlite as sql
from bot.store.records import OwnDeckRow, make, maybe
from bot.store.session import Session

_SELECT = (
    "SELECT d.id, d.owner_id, d.deck, d.title, d.source, d.body, d.questions, d.created_at,"
    " d.updated_at, u.display_name AS owner_name FROM own_decks d JOIN users u ON u.id = d.owner_id"
)


class OwnDeckRepository:
    __slots__ = ("_s",)

    def __init__(self, session: Session) -> None:
        self._s = session

    async def all(self) -> list[OwnDeckRow]:
        return [make(OwnDeckRow, row) for row in await self._s.all(f"{_SELECT} ORDER BY d.id")]

    async def find(self, deck_row_id: int) -> OwnDeckRow | None:
        return maybe(OwnDeckRow, await self._s.one(f"{_SELECT} WHERE d.id = ?", (deck_row_id,)))

    async def find_named(self, owner_id: int, deck: str) -> OwnDeckRow | None:
        row = await self._s.one(f"{_SELECT} WHERE d.owner_id = ? AND d.deck = ?", (owner_id, deck))
        return maybe(OwnDeckRow, row)

    async def count(self, owner_id: int) -> int:
        row = await self._s.one("SELECT count(*) FROM own_decks WHERE owner_id = ?", (owner_id,))
        return int(row[0]) if row else 0

    async def save(
        self,
        owner_id: int,
        deck: str,
        *,
        title: str,
        source: str,
        body: str,
        questions: int,
        now: datetime,
    ) -> tuple[int, bool]:
        """Insert or update (same owner and deck id) an own deck; (row id, was it new)."""
        stamp = sql.ts(now)
        existing = await self._s.one(
            "SELECT id FROM own_decks WHERE owner_id = ? AND deck = ?", (owner_id, deck)
        )
        if existing is not None:
            await self._s.far_run(
                "UPDATE own_decks SET title = ?, source = ?, body = ?, questions = ?,"
                " updated_at = ? WHERE id = ?",
                (title, source, body, questions, stamp, existing[0]),
            )
            return int(existing[0]), False
        row = await self._s.one(
            "INSERT INTO own_decks (owner_id, deck, title, source, body, questions,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (owner_id, deck, title, source, body, questions, stamp, stamp),
        )
        assert row is not None
        return int(row[0]), True

    async def delete_with_progress(self, deck_row_id: int, question_prefix: str) -> dict[str, int]:
        """Delete an own deck and every player's progress on its questions (ratings,
        cards, answers; ids starting with `question_prefix`). Points already earned in
        leaderboards stay."""
        like = question_prefix.replace("%", r"\%").replace("_", r"\_") + "%"
        run = self._s.far_run
        counts = {
            "ratings": await run(
                "DELETE FROM reviews WHERE question_id LIKE ? ESCAPE '\\'", (like,)
            ),
            "cards": await run("DELETE FROM cards WHERE question_id LIKE ? ESCAPE '\\'", (like,)),
            "answers": await run(
                "DELETE FROM attempts WHERE question_id LIKE ? ESCAPE '\\'", (like,)
            ),
        }
        await run(
            "UPDATE deliveries SET closed_at = coalesce(closed_at, claimed_at)"
            " WHERE question_id LIKE ? ESCAPE '\\'",
            (like,),
        )
        await run("DELETE FROM own_decks WHERE id = ?", (deck_row_id,))
        return counts
