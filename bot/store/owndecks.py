"""The SQL of own decks (decks people send to the bot) and of a chat's choice of decks.

A mixin of the store's `Tx`, kept apart so the store module stays readable; it uses only
the transaction's statement helpers.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class OwnDeckRow:
    id: int
    owner_id: int
    deck: str
    title: str
    source: str
    body: str
    questions: int
    created_at: str
    updated_at: str
    owner_name: str


_SELECT = (
    "SELECT d.id, d.owner_id, d.deck, d.title, d.source, d.body, d.questions, d.created_at,"
    " d.updated_at, u.display_name AS owner_name FROM own_decks d JOIN users u ON u.id = d.owner_id"
)


def _row(row: sqlite3.Row) -> OwnDeckRow:
    return OwnDeckRow(**{name: row[name] for name in OwnDeckRow.__dataclass_fields__})


class OwnDeckQueries:
    """Statements on own decks; mixed into `Tx`, whose helpers they call."""

    async def _one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        raise NotImplementedError  # provided by Tx

    async def _all(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        raise NotImplementedError  # provided by Tx

    async def _far_run(self, sql: str, params: Sequence[Any] = ()) -> int:
        raise NotImplementedError  # provided by Tx

    async def all_own_decks(self) -> list[OwnDeckRow]:
        return [_row(row) for row in await self._all(f"{_SELECT} ORDER BY d.id")]

    async def own_deck(self, deck_row_id: int) -> OwnDeckRow | None:
        row = await self._one(f"{_SELECT} WHERE d.id = ?", (deck_row_id,))
        return _row(row) if row else None

    async def own_deck_named(self, owner_id: int, deck: str) -> OwnDeckRow | None:
        row = await self._one(f"{_SELECT} WHERE d.owner_id = ? AND d.deck = ?", (owner_id, deck))
        return _row(row) if row else None

    async def count_own_decks(self, owner_id: int) -> int:
        row = await self._one("SELECT count(*) FROM own_decks WHERE owner_id = ?", (owner_id,))
        return int(row[0]) if row else 0

    async def save_own_deck(
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
        from bot.store.store import _ts  # the store's one timestamp format

        stamp = _ts(now)
        existing = await self._one(
            "SELECT id FROM own_decks WHERE owner_id = ? AND deck = ?", (owner_id, deck)
        )
        if existing is not None:
            await self._far_run(
                "UPDATE own_decks SET title = ?, source = ?, body = ?, questions = ?,"
                " updated_at = ? WHERE id = ?",
                (title, source, body, questions, stamp, existing[0]),
            )
            return int(existing[0]), False
        row = await self._one(
            "INSERT INTO own_decks (owner_id, deck, title, source, body, questions,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (owner_id, deck, title, source, body, questions, stamp, stamp),
        )
        assert row is not None
        return int(row[0]), True

    async def delete_own_deck(self, deck_row_id: int, question_prefix: str) -> dict[str, int]:
        """Delete an own deck and every player's progress on its questions (ratings,
        cards, answers; ids starting with `question_prefix`). Points already earned in
        leaderboards stay."""
        like = question_prefix.replace("%", r"\%").replace("_", r"\_") + "%"
        counts = {
            "ratings": await self._far_run(
                "DELETE FROM reviews WHERE question_id LIKE ? ESCAPE '\\'", (like,)
            ),
            "cards": await self._far_run(
                "DELETE FROM cards WHERE question_id LIKE ? ESCAPE '\\'", (like,)
            ),
            "answers": await self._far_run(
                "DELETE FROM attempts WHERE question_id LIKE ? ESCAPE '\\'", (like,)
            ),
        }
        await self._far_run(
            "UPDATE deliveries SET closed_at = coalesce(closed_at, claimed_at)"
            " WHERE question_id LIKE ? ESCAPE '\\'",
            (like,),
        )
        await self._far_run("DELETE FROM own_decks WHERE id = ?", (deck_row_id,))
        return counts

    async def cards_on(self, user_id: int, question_ids: Sequence[str]) -> int:
        """How many of these questions a player has spaced-repetition progress on."""
        row = await self._one(
            "SELECT count(*) FROM cards WHERE user_id = ?"
            " AND question_id IN (SELECT value FROM json_each(?))",
            (user_id, json.dumps(list(question_ids))),
        )
        return int(row[0]) if row else 0

    async def set_chat_decks(self, chat_id: int, decks: str | None) -> None:
        await self._far_run("UPDATE chats SET decks = ? WHERE id = ?", (decks, chat_id))
