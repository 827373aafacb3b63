"""The reads that choose the next question for a chat, from the database or preloaded.

Choosing (`bot.engine.selection`) needs six reads: when each question was last delivered
in the chat, which ones the group's members missed, the player's due cards and all their
cards, the questions they ever attempted and those they met today. `SelectionReads` names
exactly those. `LiveSelection` answers them with one query each (one chat at a time);
`BatchSelection` answers them for a whole batch of chats (the daily fan-out) from a few
set-based queries made up front, and provides nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.store import sqlite as sql
from bot.store.attempts import AttemptRepository
from bot.store.cards import CardRepository
from bot.store.deliveries import DeliveryRepository
from bot.store.session import Session


class SelectionReads(Protocol):
    async def last_delivered(self, chat_id: int) -> dict[str, str]:
        """Each question's most recent delivery day in a chat."""
        ...

    async def members_missed(self, chat_id: int, threshold: float) -> set[str]:
        """Questions whose average score among a group's members is below `threshold`."""
        ...

    async def due_cards(self, user_id: int, now: datetime) -> list[tuple[str, str]]:
        """(question_id, due) of a player's cards due by `now`, most overdue first."""
        ...

    async def cards_of(self, user_id: int) -> list[tuple[str, str, str]]:
        """(question_id, card json, due) of all a player's cards, soonest due first."""
        ...

    async def questions_attempted(self, user_id: int) -> set[str]: ...

    async def questions_asked_on(self, user_id: int, chat_id: int, local_day: str) -> set[str]:
        """Questions a player met on a day: answered anywhere, or delivered in their chat."""
        ...


class LiveSelection:
    """`SelectionReads` from the database, one query each (through the repositories)."""

    __slots__ = ("_attempts", "_cards", "_deliveries")

    def __init__(
        self, deliveries: DeliveryRepository, attempts: AttemptRepository, cards: CardRepository
    ) -> None:
        self._deliveries = deliveries
        self._attempts = attempts
        self._cards = cards

    async def last_delivered(self, chat_id: int) -> dict[str, str]:
        return await self._deliveries.last_delivered(chat_id)

    async def members_missed(self, chat_id: int, threshold: float) -> set[str]:
        return await self._attempts.members_missed(chat_id, threshold)

    async def due_cards(self, user_id: int, now: datetime) -> list[tuple[str, str]]:
        return await self._cards.due_cards(user_id, now)

    async def cards_of(self, user_id: int) -> list[tuple[str, str, str]]:
        return await self._cards.cards_of(user_id)

    async def questions_attempted(self, user_id: int) -> set[str]:
        return await self._attempts.questions_attempted(user_id)

    async def questions_asked_on(self, user_id: int, chat_id: int, local_day: str) -> set[str]:
        return await self._attempts.questions_asked_on(user_id, chat_id, local_day)


class NotLoaded(LookupError):
    """A batch was asked about a chat or player it was not loaded for, or for another
    threshold: answering would silently read nothing."""


class BatchSelection:
    """`SelectionReads` for a whole batch of chats, answered from a few set-based queries
    made up front by `load`.

    Only for the chats and players it was loaded for (anything else raises `NotLoaded`),
    and only while nothing they read changes (a batch of claims writes deliveries only
    after every choice is made).
    """

    def __init__(
        self, threshold: float, groups: Sequence[int], people: Sequence[tuple[int, int, str]]
    ) -> None:
        self.threshold = threshold
        self._groups = frozenset(groups)
        self._users = frozenset(user_id for user_id, _, _ in people)
        self._chat_days = frozenset((chat_id, day) for _, chat_id, day in people)
        self.last: dict[int, dict[str, str]] = {}
        self.missed: dict[int, set[str]] = {}
        self.cards: dict[int, list[tuple[str, str, str]]] = {}
        self.attempted: dict[int, set[str]] = {}
        self.answered_on: dict[tuple[int, str], set[str]] = {}
        self.delivered_on: dict[tuple[int, str], set[str]] = {}

    @classmethod
    async def load(
        cls,
        session: Session,
        *,
        groups: Sequence[int],
        people: Sequence[tuple[int, int, str]],
        threshold: float,
    ) -> BatchSelection:
        """`groups`: chat ids choosing as a group; `people`: (user id, chat id, local
        day) of chats choosing for their owner."""
        reads = cls(threshold, groups, people)
        if groups:
            group_ids = session.dialect.ids(groups)
            for row in await session.all(
                "SELECT chat_id, question_id, max(local_day) FROM deliveries"
                f" WHERE {session.dialect.in_list('chat_id')} AND status != 'failed'"
                " GROUP BY chat_id, question_id",
                (group_ids,),
            ):
                reads.last.setdefault(int(row[0]), {})[row[1]] = row[2]
            for row in await session.all(
                "SELECT m.chat_id, a.question_id FROM (SELECT DISTINCT chat_id, user_id"
                f" FROM attempts WHERE {session.dialect.in_list('chat_id')}) m"
                " JOIN attempts a ON a.user_id = m.user_id"
                " GROUP BY m.chat_id, a.question_id HAVING avg(a.score) < ?",
                (group_ids, threshold),
            ):
                reads.missed.setdefault(int(row[0]), set()).add(row[1])
        if people:
            users = sorted({user_id for user_id, _, _ in people})
            user_ids = session.dialect.ids(users)
            for row in await session.all(
                "SELECT user_id, question_id, card, due FROM cards"
                f" WHERE {session.dialect.in_list('user_id')} ORDER BY user_id, due",
                (user_ids,),
            ):
                reads.cards.setdefault(int(row[0]), []).append((row[1], row[2], row[3]))
            for row in await session.all(
                f"SELECT DISTINCT user_id, question_id FROM attempts WHERE {session.dialect.in_list('user_id')}",
                (user_ids,),
            ):
                reads.attempted.setdefault(int(row[0]), set()).add(row[1])
            for day in sorted({day for _, _, day in people}):
                day_users = sorted({u for u, _, d in people if d == day})
                day_chats = sorted({c for _, c, d in people if d == day})
                for row in await session.all(
                    "SELECT 'user', user_id, question_id FROM attempts WHERE local_day = ?"
                    f" AND {session.dialect.in_list('user_id')}"
                    " UNION ALL SELECT 'chat', chat_id, question_id FROM deliveries"
                    f" WHERE local_day = ? AND {session.dialect.in_list('chat_id')}",
                    (day, session.dialect.ids(day_users), day, session.dialect.ids(day_chats)),
                ):
                    into = reads.answered_on if row[0] == "user" else reads.delivered_on
                    into.setdefault((int(row[1]), day), set()).add(row[2])
        return reads

    def _group(self, chat_id: int) -> None:
        if chat_id not in self._groups:
            raise NotLoaded(f"chat {chat_id} is not in this batch's groups")

    def _person(self, user_id: int) -> None:
        if user_id not in self._users:
            raise NotLoaded(f"player {user_id} is not in this batch")

    async def last_delivered(self, chat_id: int) -> dict[str, str]:
        self._group(chat_id)
        return dict(self.last.get(chat_id, {}))

    async def members_missed(self, chat_id: int, threshold: float) -> set[str]:
        self._group(chat_id)
        if threshold != self.threshold:
            raise NotLoaded(f"loaded for threshold {self.threshold}, asked for {threshold}")
        return set(self.missed.get(chat_id, ()))

    async def due_cards(self, user_id: int, now: datetime) -> list[tuple[str, str]]:
        self._person(user_id)
        by = sql.ts(now)
        return [(q, due) for q, _, due in self.cards.get(user_id, ()) if due <= by]

    async def cards_of(self, user_id: int) -> list[tuple[str, str, str]]:
        self._person(user_id)
        return list(self.cards.get(user_id, ()))

    async def questions_attempted(self, user_id: int) -> set[str]:
        self._person(user_id)
        return set(self.attempted.get(user_id, ()))

    async def questions_asked_on(self, user_id: int, chat_id: int, local_day: str) -> set[str]:
        self._person(user_id)
        if (chat_id, local_day) not in self._chat_days:
            raise NotLoaded(f"chat {chat_id} on {local_day} is not in this batch")
        return self.answered_on.get((user_id, local_day), set()) | self.delivered_on.get(
            (chat_id, local_day), set()
        )
