"""The daily push and the evening reminders: which chats are due, claiming their daily
question (one chat or a whole slot at once), finding claims a crash left unsent, and
which players get a streak reminder tonight.

The scheduler (`scheduler/`) calls these at the right times; every claim is committed
before it returns, so a question is claimed once however often the scheduler retries.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.engine import selection
from bot.engine.asking import choose_question, claim_question, reveal_at
from bot.engine.clock import local_day, utc
from bot.engine.context import EngineContext, streak_state
from bot.engine.reminders import ReminderDue, reminder_due
from bot.engine.results import Asked
from bot.engine.streaks import MAX_FREEZES, live_streak
from bot.errors import NothingToAsk
from bot.store import ChatRow, NewDelivery

logger = logging.getLogger(__name__)


class DailyPush:
    """The scheduler's side of the engine: slots, daily claims and reminders."""

    def __init__(self, context: EngineContext) -> None:
        self.context = context

    async def schedule_slots(self, platform: str) -> list[tuple[str, str, int]]:
        """(push_time, timezone, chats) of every slot of a platform's subscribed chats."""
        async with self.context.store.read() as tx:
            return await tx.chats.schedule_slots(platform)

    async def chats_to_push(
        self, platform: str, push_time: str, timezone: str, day: date
    ) -> list[ChatRow]:
        """A slot's subscribed, active chats that have no daily question for `day` yet."""
        async with self.context.store.read() as tx:
            return await tx.chats.awaiting_daily_in_slot(
                platform, push_time, timezone, day.isoformat()
            )

    async def claim(self, chat_id: int, now: datetime) -> Asked | None:
        """Claim a chat's daily question for its local day; None if already claimed.

        The claim is committed before the question is sent: after a crash the scheduler
        finds it with `unsent` and finishes it instead of asking again.
        """
        ctx = self.context
        async with ctx.store.write() as tx:
            row = await tx.chats.find_by_id(chat_id)
            if row is None or not row.active or not row.subscribed:
                return None
            day = local_day(now, row.timezone)
            if await tx.deliveries.find_daily(row.id, day.isoformat()) is not None:
                return None
            owner = await tx.users.find_by_id(row.owner_id) if row.owner_id else None
            try:
                question_id, is_review = await choose_question(
                    ctx, tx.selection, row, owner, None, now, day, row.timezone, on_request=False
                )
            except NothingToAsk:
                return None
            delivery = await claim_question(tx, row, question_id, "daily", day, now)
            if delivery is None:
                return None
        return ctx.asked(delivery, row, is_review, row.thread_id)

    async def claim_many(self, chat_ids: Sequence[int], now: datetime) -> dict[int, Asked]:
        """`claim` for many chats in one unit of work: the chats claimed, each with the
        question `claim` would have claimed for it. A chat left out was not claimed
        (already claimed today, unsubscribed or inactive, nothing left to ask).

        The reads are made for the whole batch up front (a handful of statements, not a
        dozen per chat), the choices in memory, then every claim in one statement; all of
        it committed before this returns, like `claim`.
        """
        ids = list(dict.fromkeys(chat_ids))
        if not ids:
            return {}
        ctx = self.context
        async with ctx.store.write() as tx:
            rows = await tx.chats.find_by_ids(ids)
            live = [rows[i] for i in ids if i in rows and rows[i].active and rows[i].subscribed]
            days = {row.id: local_day(now, row.timezone) for row in live}
            claimed = await tx.deliveries.chats_with_daily(
                [(row.id, days[row.id].isoformat()) for row in live]
            )
            live = [row for row in live if row.id not in claimed]
            owners = await tx.users.find_by_ids(sorted({r.owner_id for r in live if r.owner_id}))
            owner_of = {row.id: owners.get(row.owner_id) if row.owner_id else None for row in live}
            reads = await tx.load_selection(
                groups=[row.id for row in live if row.is_group or owner_of[row.id] is None],
                people=[
                    (owner.id, row.id, days[row.id].isoformat())
                    for row in live
                    if not row.is_group and (owner := owner_of[row.id]) is not None
                ],
                threshold=selection.MISSED_BELOW,
            )
            chosen: dict[int, tuple[str, bool]] = {}
            for row in live:
                try:
                    chosen[row.id] = await choose_question(
                        ctx,
                        reads,
                        row,
                        owner_of[row.id],
                        None,
                        now,
                        days[row.id],
                        row.timezone,
                        on_request=False,
                    )
                except NothingToAsk:
                    continue
                except Exception:  # one chat's bad settings never stop the others
                    logger.exception("choosing the daily question of chat %s failed", row.id)
            previous = await tx.deliveries.find_open_many(
                [i for i in chosen if not rows[i].is_group]
            )
            await tx.deliveries.close_many([delivery.id for delivery in previous.values()], now)
            deliveries = await tx.deliveries.claim_many(
                [
                    NewDelivery(
                        chat_id=chat_id,
                        question_id=question_id,
                        kind="daily",
                        local_day=days[chat_id].isoformat(),
                        reveal_at=reveal_at(rows[chat_id], now),
                    )
                    for chat_id, (question_id, _) in chosen.items()
                ],
                now,
            )
        return {
            d.chat_id: ctx.asked(
                d, rows[d.chat_id], chosen[d.chat_id][1], rows[d.chat_id].thread_id
            )
            for d in deliveries
        }

    async def unsent(
        self, platform: str, now: datetime, lease: timedelta = timedelta(0)
    ) -> list[tuple[Asked, ChatRow]]:
        """A platform's daily questions claimed but never marked sent (their sender stopped
        in between), claimed longer than `lease` ago; they become this caller's to send
        (no other caller gets them until `lease` has passed again)."""
        ctx = self.context
        async with ctx.store.write() as tx:
            claims = await tx.deliveries.take_over_unsent(platform, now, utc(now) - lease)
            result = []
            for delivery in claims:
                row = await tx.chats.find_by_id(delivery.chat_id)
                if row is None or delivery.question_id not in ctx.catalog.by_id:
                    continue
                result.append((ctx.asked(delivery, row, False, row.thread_id), row))
        return result

    async def reminders_due(
        self, platform: str, now: datetime, remind_at: time
    ) -> list[ReminderDue]:
        """Players to remind now: reminders on, a private chat, `remind_at` passed in their
        timezone, streak at risk today (so not answered today), not reminded today."""
        ctx = self.context
        utc_day = utc(now).date()
        earliest = utc_day - timedelta(days=MAX_FREEZES + 3)
        async with ctx.store.read() as tx:
            candidates = await tx.users.reminder_candidates(
                platform, utc_day.isoformat(), earliest.isoformat()
            )
            due = []
            for user, chat_id, reminded in candidates:
                chat = await tx.chats.find_by_id(chat_id)
                if chat is None:
                    continue
                local_now = now.astimezone(ZoneInfo(ctx.timezone_of(user, chat)))
                state = streak_state(user)
                reminded_day = date.fromisoformat(reminded) if reminded else None
                if not reminder_due(state, local_now, remind_at, reminded_day):
                    continue
                today = local_now.date()
                due.append(
                    ReminderDue(
                        user_id=user.id,
                        platform=user.platform,
                        chat_external_id=chat.external_id,
                        local_day=today,
                        streak=live_streak(state, today),
                        freezes=state.freezes,
                        language=user.language or chat.language,
                    )
                )
        return due

    async def claim_reminder(self, user_id: int, day: date) -> bool:
        """Claim a player's reminder for their local `day`; False if already reminded."""
        async with self.context.store.write() as tx:
            return await tx.users.claim_reminder(user_id, day.isoformat())
