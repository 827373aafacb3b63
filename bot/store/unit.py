"""A unit of work: the repositories of one `Store.read()` or `Store.write()` block.

    async with store.write() as tx:
        chat = await tx.chats.find(platform, external_id)
        await tx.deliveries.close(delivery_id, now)

Every repository runs on the unit's one session, so a write block's statements commit
together or not at all (see `Store.write`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.store.attempts import AttemptRepository
from bot.store.cards import CardRepository
from bot.store.chats import ChatRepository
from bot.store.deliveries import DeliveryRepository
from bot.store.health import HealthRepository
from bot.store.inbox import InboxRepository
from bot.store.owndecks import OwnDeckRepository
from bot.store.pace import SendPaceRepository
from bot.store.recaps import RecapRepository
from bot.store.scores import ScoreRepository
from bot.store.selection import BatchSelection, LiveSelection
from bot.store.users import UserRepository

if TYPE_CHECKING:
    from collections.abc import Sequence

    import aiosqlite

    from bot.store.sqlite import SqliteSession


class UnitOfWork:
    """The repositories by aggregate, over one session."""

    __slots__ = (
        "attempts",
        "cards",
        "chats",
        "deliveries",
        "health",
        "inbox",
        "own_decks",
        "pace",
        "recaps",
        "scores",
        "session",
        "users",
    )

    def __init__(self, session: SqliteSession) -> None:
        self.session = session
        self.chats = ChatRepository(session)
        self.users = UserRepository(session)
        self.deliveries = DeliveryRepository(session)
        self.attempts = AttemptRepository(session)
        self.cards = CardRepository(session)
        self.scores = ScoreRepository(session)
        self.recaps = RecapRepository(session)
        self.own_decks = OwnDeckRepository(session)
        self.inbox = InboxRepository(session)
        self.health = HealthRepository(session)
        self.pace = SendPaceRepository(session)

    @property
    def conn(self) -> aiosqlite.Connection:
        """The SQLite connection itself (bulk seeding in tests and benchmarks)."""
        return self.session.conn

    @property
    def selection(self) -> LiveSelection:
        """The reads that choose a question, from the database (one chat at a time)."""
        return LiveSelection(self.deliveries, self.attempts, self.cards)

    async def load_selection(
        self,
        *,
        groups: Sequence[int],
        people: Sequence[tuple[int, int, str]],
        threshold: float,
    ) -> BatchSelection:
        """The reads that choose a question for a batch of chats, made now: `groups` are
        chat ids choosing as a group, `people` (user id, chat id, local day) of chats
        choosing for their owner (see `bot.store.selection`)."""
        return await BatchSelection.load(
            self.session, groups=groups, people=people, threshold=threshold
        )
