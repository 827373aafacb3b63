"""One overall send budget for several replicas of the bot on one database.

Telegram's overall limit (about 30 messages a second, 1000 with paid broadcast) is per
bot, not per process. Replicas share it through the database: every send slot is taken
from one sequence, a row holding the sequence's next free moment (`send_pace`, see
`bot.store.pace`), which one statement moves on by a span of slots. The slots of all
replicas together are therefore spaced exactly as a single process spaces its own
(`scheduler.limits`), which never puts more than the limit into any one-second window.
There is nothing to re-balance: a replica that stops, or dies, takes no more slots and
the others get them all; a replica that is idle takes none.

A replica takes a small batch at a time: no more slots than it has sends waiting for, nor
than twice what it used of the last batch (a replica short of CPU takes no more than it
can use), and at most `BATCH_SPAN_S` of the budget, so the database sees about ten
statements a second per busy replica whatever the rate; the next batch is asked for while
the last few slots are being used. No replica holds more than two batches' worth ahead,
so a replica that dies wastes at most that much of the budget, and another's reply never
queues behind more than that of a busy replica's fan-out.

A slot is used at its moment or not at all. Spacing only holds if every replica sends on
time; a send made late (its event loop was busy, the database slow to answer) could land
in a second the other replicas have already filled. So a slot more than `LATE_S` behind
when its send is ready is dropped and another taken, and the spacing is a little wider
than one process's (`SHARED_SAFETY`), leaving room for the transit time between a slot's
moment and the message reaching Telegram. A 429 pauses this replica and pushes the shared
sequence past the pause, so every replica holds.

The per-chat and per-group windows stay in each process (`SendLimiter`): every scheduled
message (daily question, reveal, reminder, recap) is claimed in the database before it is
sent, so one replica sends it, and the window that matters for a chat is the one of the
replica sending to it. Replies go from the replica that received the update; see
README "Scaling out" for what that means for one chat's replies.

Moments in the sequence are wall-clock seconds (replicas on several hosts need synced
clocks, as NTP keeps them); waits are on the monotonic clock.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from bot.store.unit import UnitOfWork
from scheduler.limits import Limits, SendLimiter

log = logging.getLogger(__name__)

SHARED_SAFETY = 1.065
"""Spacing of shared slots relative to the limit (one process: `limits.SAFETY`). The room
it leaves is what a send may lose in transit before another's reach the limit's window
with it (measured with the scale-out benchmark, two replicas, the test server and
PostgreSQL on two cores, 10,000 chats at 1000/s: at 1.05, 6 of 14 runs met 429s, 1 to
64 sends refused, each followed by a pause; at 1.065, 8 runs of 8 with none, ratio 0.914
to 0.922; at 1.08, 6 of 6 with none, ratio 0.896 to 0.908)."""
LATE_S = 0.025
"""A slot whose moment passed longer ago than this is dropped, not used."""
BATCH_SPAN_S = 0.1
"""At most this much of the overall budget is taken in one statement."""
MAX_LEAD_S = 0.25
"""Slots are taken from at most this far ahead (twice a statement's recent round trip)."""
MIN_BATCH = 4
"""A batch may always be this big, however few slots the last one saw used."""
FALLBACK_SHARE = 0.25
"""While the database cannot be reached, a replica sends at this share of the limit."""


class SlotBook(Protocol):
    """The shared sequence of send moments (wall-clock seconds)."""

    async def reserve(self, start: float, span: float) -> float:
        """Take `span` seconds of the sequence from no earlier than `start`; the end of
        the span taken (a span of 0 only pushes the sequence to `start`)."""
        ...


class SharedSendLimiter(SendLimiter):
    """`SendLimiter` whose overall slots come from a `SlotBook` shared by replicas, once
    `share` has given it one (before that, it paces alone)."""

    def __init__(
        self,
        limits: Limits | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        wall: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(limits, clock=clock, sleep=sleep)
        self._wall = wall
        self._book: SlotBook | None = None
        self._shared_spacing = SHARED_SAFETY / self.limits.per_second
        self._batch_max = max(1, int(self.limits.per_second * BATCH_SPAN_S))
        self._slots: deque[float] = deque()
        """Slots taken and not used yet, as monotonic moments, in order."""
        self._active = 0
        """Sends taking a slot."""
        self._held = 0
        """Sends holding a slot (or about to be given one) and waiting for its moment."""
        self._hold_max = 2 * self._batch_max
        self._room = asyncio.Event()
        self._used = 0
        """Slots used since the last batch was asked for."""
        self._round_trip = 0.005
        """How long taking a batch takes, lately (seconds, a moving average)."""
        self._taking: asyncio.Task[None] | None = None
        self._pushes: set[asyncio.Task[None]] = set()
        self._fallback_next = 0.0
        self._book_failing = False
        self.shared_slots = 0
        """Slots taken from the shared sequence (monitoring)."""
        self.used_slots = 0
        """Sends made on shared slots (monitoring)."""
        self.dropped_slots = 0
        """Slots dropped because their moment passed before their send was ready."""
        self.reservations = 0
        """Statements that took slots."""

    @property
    def shared(self) -> bool:
        return self._book is not None

    def figures(self) -> dict[str, float]:
        found = super().figures()
        if self._book is not None:
            found["send_slots_used"] = self.used_slots
            found["send_slots_dropped"] = self.dropped_slots
            found["send_budget_statements"] = self.reservations
        return found

    def share(self, book: SlotBook) -> None:
        """Take every overall slot from `book` from now on."""
        self._book = book

    def pause(self, seconds: float) -> None:
        super().pause(seconds)
        book = self._book
        if book is None:
            return
        until = self._wall() + (self._paused_until - self._clock())
        task = asyncio.ensure_future(self._push(book, until))
        self._pushes.add(task)
        task.add_done_callback(self._pushes.discard)

    async def _take_overall_slot(self) -> None:
        if self._book is None:
            await super()._take_overall_slot()
            return
        self._active += 1
        try:
            while not await self._use_a_slot():
                pass
        finally:
            self._active -= 1

    async def _use_a_slot(self) -> bool:
        """Take a slot and wait for its moment; False if it had to be dropped."""
        while self._held >= self._hold_max:  # enough of the budget is held here already
            self._room.clear()
            await self._room.wait()
        self._held += 1
        try:
            slot = await self._next_shared_slot()
            now = self._clock()
            if slot > now:
                await self._sleep(slot - now)
                now = self._clock()
            if now - slot > LATE_S or self._paused_until > now:
                self.dropped_slots += 1
                return False
            wait = self._window_wait(now)
            if wait > 0:  # this replica's own sends are slow to be answered
                self.window_waits += 1
                await self._sleep(wait)
                return False  # the slot has passed meanwhile: take another
            self._used += 1
            self.used_slots += 1
            return True
        finally:
            self._held -= 1
            self._room.set()

    async def _next_shared_slot(self) -> float:
        """The earliest slot taken and not used yet, taking more when none is left."""
        while not self._slots:
            pause = self._paused_until - self._clock()
            if pause > 0:
                await self._sleep(pause)
                continue
            await asyncio.shield(self._start_taking())
        slot = self._slots.popleft()
        if len(self._slots) <= self._batch_max // 4 and self._active > len(self._slots) + 1:
            self._start_taking()  # the next batch, while these few are used
        return slot

    def _start_taking(self) -> asyncio.Task[None]:
        if self._taking is None:
            self._taking = asyncio.ensure_future(self._take_batch())
        return self._taking

    async def _take_batch(self) -> None:
        book = self._book
        assert book is not None
        try:
            # No more than are waiting, nor than twice what the last batch saw used: a
            # replica short of CPU takes no more than it can use before the moments pass.
            count = max(1, min(self._batch_max, self._active, max(MIN_BATCH, 2 * self._used)))
            self._used = 0
            span = count * self._shared_spacing
            # Slots from a little ahead, so that the first are not already past when the
            # statement's answer comes back.
            asked = self._clock()
            ahead = max(self._paused_until - asked, min(MAX_LEAD_S, 2 * self._round_trip))
            try:
                end = await book.reserve(self._wall() + ahead, span)
            except Exception as error:  # the database is away: pace alone, carefully
                self._fall_back(count, error)
                return
            took = self._clock() - asked
            self._round_trip += (took - self._round_trip) * 0.2
            if self._book_failing:
                log.warning("send slots are shared through the database again")
                self._book_failing = False
            first = end - span - self._wall() + self._clock()
            self._slots.extend(first + i * self._shared_spacing for i in range(count))
            self.reservations += 1
            self.shared_slots += count
        finally:
            self._taking = None

    def _fall_back(self, count: int, error: Exception) -> None:
        if not self._book_failing:
            log.warning(
                "could not take send slots from the database (%s); sending at %d%% of the"
                " limit until it answers",
                type(error).__name__,
                round(FALLBACK_SHARE * 100),
            )
            self._book_failing = True
        spacing = self._shared_spacing / FALLBACK_SHARE
        first = max(self._clock(), self._fallback_next)
        self._slots.extend(first + i * spacing for i in range(count))
        self._fallback_next = first + count * spacing

    async def _push(self, book: SlotBook, until: float) -> None:
        try:
            await book.reserve(until, 0.0)
        except Exception as error:
            log.warning("could not share a rate-limit pause (%s)", type(error).__name__)


class UnitStore(Protocol):
    """A database with units of work (`bot.store.Store`, or PostgreSQL's)."""

    def write(self) -> AbstractAsyncContextManager[UnitOfWork]: ...


class StoreSlotBook:
    """The sequence in the database (`send_pace`), one statement per call."""

    def __init__(self, store: UnitStore, platform: str) -> None:
        self.store = store
        self.platform = platform

    async def reserve(self, start: float, span: float) -> float:
        async with self.store.write() as tx:
            return await tx.pace.reserve(self.platform, start, span)
