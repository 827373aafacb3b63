"""Helping: a hint for, or "I don't know" to, the open question of a private chat.

The rule (what a hint shows and costs, what giving up records) is `bot.engine.hints`;
this use case looks up the question, refuses one that is not the chat's open question
(a forged id, another chat's, an answered or never-posted one), and stores the hint or
the attempt before returning it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.engine import hints
from bot.engine.answering import replayed
from bot.engine.context import EngineContext
from bot.engine.recording import record_attempt
from bot.engine.results import AnswerResult, ChatKey, PlayerKey
from bot.errors import AlreadyAnswered, NoHint, NoOpenQuestion
from bot.store import ChatRow, DeliveryRow, UnitOfWork, UserRow


class Helping:
    """💡 Hint and 🤷 I don't know."""

    def __init__(self, context: EngineContext) -> None:
        self.context = context

    async def hint(
        self, chat: ChatKey, player: PlayerKey, now: datetime, *, delivery_id: int | None = None
    ) -> hints.Hint:
        """The hint for the open question of a private chat (the one in `delivery_id`,
        which must be this chat's and still open), stored before it is returned."""
        async with self.context.store.write() as tx:
            _row, user, delivery = await self._helped(tx, chat, player, now, delivery_id)
            if await tx.attempts.find_for_delivery(delivery.id, user.id) is not None:
                raise AlreadyAnswered()
            repeated = await tx.attempts.peeked(delivery.id, user.id)
            question = self.context.catalog.by_id[delivery.question_id]
            hint = hints.hint_for(question, delivery.id, repeated=repeated)
            if hint is None:
                raise NoHint("no_key_points")
            await tx.attempts.record_peek(delivery.id, user.id, now)
        return hint

    async def give_up(
        self,
        chat: ChatKey,
        player: PlayerKey,
        now: datetime,
        *,
        source_key: str,
        delivery_id: int | None = None,
    ) -> AnswerResult:
        """Give up on the open question of a private chat ("I don't know"): recorded as
        an answer covering nothing, rated Again; the same `source_key` twice records it
        once."""
        ctx = self.context
        async with ctx.store.write() as tx:
            row = await ctx.known_chat(tx, chat)
            user = await ctx.ensure_user(tx, player, now)
            duplicate = await tx.attempts.find_by_source(row.id, source_key)
            if duplicate is not None:
                earlier = await replayed(ctx, tx, duplicate, row, user, now)
                return replace(earlier, gave_up=True)
            row, user, delivery = await self._helped(tx, chat, player, now, delivery_id)
            question = ctx.catalog.by_id[delivery.question_id]
            given = hints.gave_up(question)
            return await record_attempt(
                ctx,
                tx,
                row,
                user,
                delivery,
                question,
                "",
                given,
                now,
                source_key,
                None,
                gave_up=True,
            )

    async def _helped(
        self,
        tx: UnitOfWork,
        chat: ChatKey,
        player: PlayerKey,
        now: datetime,
        delivery_id: int | None,
    ) -> tuple[ChatRow, UserRow, DeliveryRow]:
        """The private chat, its player and the open question help is asked for."""
        ctx = self.context
        row = await ctx.known_chat(tx, chat)
        if row.is_group:
            raise NoHint("private_only")
        user = await ctx.ensure_user(tx, player, now)
        if delivery_id is not None:
            delivery = await tx.deliveries.find(delivery_id)
            if delivery is not None and delivery.chat_id != row.id:
                delivery = None  # another chat's question
        else:
            delivery = await tx.deliveries.find_open(row.id)
        if (
            delivery is None
            or delivery.closed_at is not None
            or delivery.status not in ("sent", "claimed")  # never posted: nobody saw it
            or delivery.question_id not in ctx.catalog.by_id
        ):
            raise NoOpenQuestion("closed")
        return row, user, delivery
