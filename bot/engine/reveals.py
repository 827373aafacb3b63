"""Reveals: a group question's model answer, shown once to the group (on time or on
/reveal), and shown early to one member privately, which costs them the points.

A group question is answered by replies until its reveal time (`bot.engine.asking`
sets it); then the scheduler reveals it with the members' results. A member who asks
for the answer privately first ("Answer by DM") has that peek recorded: their later
answer still counts for streak and memory, but earns no points.
"""

from __future__ import annotations

from datetime import datetime

from bot.decks.model import Question
from bot.engine.context import EngineContext
from bot.engine.results import ChatKey, PlayerKey, Reveal, RevealEntry
from bot.errors import AlreadyRevealed, NoOpenQuestion
from bot.store import ChatRow, DeliveryRow, UnitOfWork


class Reveals:
    """Group reveals and private peeks at a model answer."""

    def __init__(self, context: EngineContext) -> None:
        self.context = context

    async def reveal(
        self, chat: ChatKey, now: datetime, *, message_id: int | None = None
    ) -> Reveal:
        """Reveal a group question's answer now (/reveal): the newest one, or the one given."""
        ctx = self.context
        async with ctx.store.write() as tx:
            row = await ctx.known_chat(tx, chat)
            if message_id is not None:
                delivery = await tx.deliveries.find_by_message(row.id, message_id)
            else:
                delivery = await tx.deliveries.find_open(row.id)
            if delivery is None or delivery.question_id not in ctx.catalog.by_id:
                raise NoOpenQuestion("nothing_to_reveal")
            if not await tx.deliveries.mark_revealed(delivery.id, now):
                raise AlreadyRevealed()
            return await self._reveal_of(tx, delivery, row)

    async def due(self, platform: str, now: datetime) -> list[Reveal]:
        """Reveal each of a platform's group questions whose reveal time has come (once
        each; each platform runs its own bot)."""
        ctx = self.context
        reveals = []
        async with ctx.store.write() as tx:
            for delivery in await tx.deliveries.reveals_due_on(platform, now):
                row = await tx.chats.find_by_id(delivery.chat_id)
                if row is None or delivery.question_id not in ctx.catalog.by_id:
                    continue
                if await tx.deliveries.mark_revealed(delivery.id, now):
                    reveals.append(await self._reveal_of(tx, delivery, row))
        return reveals

    async def question_in_chat(self, delivery_id: int, chat: ChatKey) -> Question:
        """The question of a delivery in `chat` (nothing recorded). A delivery of any
        other chat is refused like a missing one (a forged button)."""
        async with self.context.store.read() as tx:
            delivery = await _delivery_in(tx, delivery_id, chat)
        return self._question_of(delivery)

    async def record_peek(
        self, delivery_id: int, chat: ChatKey, viewer: PlayerKey, now: datetime
    ) -> Question:
        """The question of a delivery in `chat`, whose answer `viewer` is shown privately;
        records the peek. If they have not answered yet, their later answer still counts
        for their streak and memory but earns no points, so reading the answer first
        cannot win the leaderboard. Another chat's delivery is refused like a missing one.
        """
        ctx = self.context
        async with ctx.store.write() as tx:
            delivery = await _delivery_in(tx, delivery_id, chat)
            if delivery is not None:
                user = await ctx.ensure_user(tx, viewer, now)
                if await tx.attempts.find_for_delivery(delivery.id, user.id) is None:
                    await tx.attempts.record_peek(delivery.id, user.id, now)
        return self._question_of(delivery)

    def _question_of(self, delivery: DeliveryRow | None) -> Question:
        catalog = self.context.catalog
        if delivery is None or delivery.question_id not in catalog.by_id:
            raise NoOpenQuestion("unavailable")
        return catalog.by_id[delivery.question_id]

    async def _reveal_of(self, tx: UnitOfWork, delivery: DeliveryRow, chat: ChatRow) -> Reveal:
        attempts = await tx.attempts.on_delivery_with_names(delivery.id)
        entries = tuple(
            RevealEntry(display_name=name, score=attempt.score, points=attempt.points)
            for attempt, name in attempts
        )
        return Reveal(
            delivery_id=delivery.id,
            chat_external_id=chat.external_id,
            platform=chat.platform,
            question=self.context.catalog.by_id[delivery.question_id],
            entries=entries,
            message_id=delivery.message_id,
            thread_id=delivery.thread_id,
            language=chat.language,
        )


async def _delivery_in(tx: UnitOfWork, delivery_id: int, chat: ChatKey) -> DeliveryRow | None:
    delivery = await tx.deliveries.find(delivery_id)
    row = await tx.chats.find(chat.platform, chat.external_id)
    return (
        delivery
        if row is not None and delivery is not None and delivery.chat_id == row.id
        else None
    )
