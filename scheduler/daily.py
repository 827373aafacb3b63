"""The daily push: which slots are due, catch-up after downtime, and each slot's fan-out.

Once a day per chat, across crashes, rests on the database: every chat's question is
claimed (`engine.daily.claim_many`, a batch of chats at a time; unique per chat and local
day) before it is sent and marked sent after. This module decides *when* to try:

- a slot is run for its most recent fire time once; a slot known at start whose fire
  was missed while the bot was down is run late if the fire is less than `catchup` old
  and it is still the same local day there (no questions at midnight for yesterday),
  and skipped with a log line otherwise;
- a slot that appears later (a chat changed its time or timezone) only runs at its
  next fire: changes take effect the next time that slot comes round;
- claims left unsent by a crash are finished at start if their local day is not over.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.engine.clock import local_day
from bot.engine.quiz import Engine
from bot.engine.results import Asked
from bot.store import ChatRow
from scheduler.deliveries import Deliveries
from scheduler.pool import run_pool
from scheduler.slots import Slot

log = logging.getLogger(__name__)

Tally = Counter[str]
"""How many sends ended each way: Outcome values, 'claimed before', 'day over'."""

CLAIM_BATCH = 64
"""Chats claimed in one unit of work during a fan-out (fewer with fewer workers)."""


RESTART_GRACE_S = 1.0
"""How long sends wait after a restart that found questions claimed but not sent."""


class DailyPush:
    def __init__(
        self,
        engine: Engine,
        deliveries: Deliveries,
        *,
        platform: str,
        catchup: timedelta,
        workers: int,
        clock: Callable[[], datetime],
        claim_lease: timedelta = timedelta(0),
    ) -> None:
        self.engine = engine
        self.claim_lease = claim_lease
        self.deliveries = deliveries
        self.platform = platform
        self.catchup = catchup
        self.workers = workers
        self.clock = clock
        self._chats: dict[Slot, int] = {}
        self._handled: dict[Slot, datetime | None] = {}
        """The latest fire of each slot already run; None: may catch up (known at start)."""

    @property
    def slots(self) -> dict[Slot, int]:
        """Every slot with its number of subscribed, active chats."""
        return dict(self._chats)

    async def load(self, now: datetime, *, at_start: bool = False) -> None:
        """Re-derive the slots from the database (at start, and after schedule changes)."""
        found: dict[Slot, int] = {}
        for push_time, timezone, count in await self.engine.daily.schedule_slots(self.platform):
            try:
                found[Slot.parse(push_time, timezone)] = count
            except ValueError:
                log.error("%d chats have an invalid schedule %r %r", count, push_time, timezone)
        for slot in found.keys() - self._handled.keys():
            self._handled[slot] = None if at_start else now
        for slot in self._handled.keys() - found.keys():
            del self._handled[slot]
        self._chats = found

    async def run_due(self, now: datetime) -> dict[Slot, Tally]:
        """Run every slot whose latest fire at `now` has not been run yet, one by one."""
        ran = {}
        for slot in self.take_due(now):
            tally = await self.push_latest(slot, now)
            if tally is not None:
                ran[slot] = tally
        return ran

    async def run_slot(self, slot: Slot, now: datetime) -> Tally | None:
        """Run one slot if its latest fire has not been run yet (its APScheduler job)."""
        if slot not in self._handled or not self._take(slot, now):
            return None
        return await self.push_latest(slot, now)

    def take_due(self, now: datetime) -> list[Slot]:
        """The slots whose latest fire has not been run yet, marked as run: the caller
        runs each with `push_latest`."""
        return [slot for slot in self._handled if self._take(slot, now)]

    def _take(self, slot: Slot, now: datetime) -> bool:
        """Mark the slot's latest fire handled; True if it was not handled before."""
        fire = slot.last_fire(now)
        handled = self._handled[slot]
        if handled is not None and fire <= handled:
            return False
        self._handled[slot] = fire
        return True

    async def push_latest(self, slot: Slot, now: datetime) -> Tally | None:
        """Push the slot's latest fire, unless it is too late for it (then log who missed)."""
        fire = slot.last_fire(now)
        if now - fire < self.catchup and slot.local_day(now) == slot.local_day(fire):
            return await self._push(slot, fire)
        day = slot.local_day(fire)
        missed = await self.engine.daily.chats_to_push(
            self.platform, slot.push_time, slot.timezone, day
        )
        if missed:
            log.warning(
                "skipping the %s push of %s for %d chats: %s late, beyond the catch-up"
                " window (%s) or its local day is over",
                slot,
                day,
                len(missed),
                now - fire,
                self.catchup,
            )
        return None

    async def _push(self, slot: Slot, fire: datetime) -> Tally:
        """The slot's fan-out: claims in batches (one unit of work each) feeding `workers`
        concurrent sends; a batch is claimed only when the senders are ready for it, so
        at most about two batches are claimed ahead of what is sent."""
        day = slot.local_day(fire)
        chats = await self.engine.daily.chats_to_push(
            self.platform, slot.push_time, slot.timezone, day
        )
        tally: Tally = Counter()
        workers = max(1, self.workers)
        batch = max(1, min(CLAIM_BATCH, workers))
        claimed: asyncio.Queue[tuple[Asked, ChatRow] | None] = asyncio.Queue(maxsize=batch)

        async def claim() -> None:
            for start in range(0, len(chats), batch):
                now = self.clock()
                if slot.local_day(now) != day:
                    tally["day over"] += len(chats) - start
                    break
                chunk = chats[start : start + batch]
                try:
                    asked = await self.deliveries.claim_daily_many(chunk, now)
                except Exception:
                    log.exception("claiming %d daily questions of %s failed", len(chunk), slot)
                    continue
                for chat in chunk:
                    if chat.id in asked:
                        await claimed.put((asked[chat.id], chat))
                    else:
                        tally["claimed before"] += 1
            for _ in range(workers):
                await claimed.put(None)

        async def send() -> None:
            while (item := await claimed.get()) is not None:
                try:
                    outcome = await self.deliveries.send_claimed(*item)
                except Exception:
                    log.exception("delivery of %r failed", item[1])
                else:
                    tally[outcome.value] += 1

        async with asyncio.TaskGroup() as group:
            group.create_task(claim())
            for _ in range(workers):
                group.create_task(send())
        log.info("daily push %s for %s: %d chats, %s", slot, day, len(chats), dict(tally))
        return tally

    async def finish_unsent(self, now: datetime) -> Tally:
        """Send the questions claimed but never sent before a crash, if still their day
        (with replicas: those whose claim is older than the lease, see `claim_lease`)."""
        tally: Tally = Counter()
        live: list[tuple[Asked, ChatRow]] = []
        for asked, chat in await self.engine.daily.unsent(self.platform, now, self.claim_lease):
            if _still_due(asked, chat, now):
                live.append((asked, chat))
            else:
                await self.deliveries.abandon(asked)
                tally["day over"] += 1

        async def finish(pair: tuple[Asked, ChatRow]) -> None:
            outcome = await self.deliveries.send_claimed(*pair)
            tally[outcome.value] += 1

        if live:
            # The stopped process may have sent right up to its end, and those sends still
            # count in Telegram's one-second window: leave that second to them.
            self.deliveries.dispatcher.limiter.pause(RESTART_GRACE_S)
        await run_pool(live, finish, workers=self.workers)
        if tally:
            log.info("finished daily questions claimed before a restart: %s", dict(tally))
        return tally


def _still_due(asked: Asked, chat: ChatRow, now: datetime) -> bool:
    """A claimed question still goes out if its chat wants it and its day is not over."""
    return bool(chat.active and chat.subscribed) and (
        asked.local_day == local_day(now, chat.timezone)
    )
