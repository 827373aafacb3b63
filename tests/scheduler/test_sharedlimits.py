"""Replicas sharing one overall send budget, on virtual time: together they never exceed
the limit in any second, a replica that stops leaves its share to the others, a 429 holds
them all, and a slot whose moment has passed is never used late.

The shared sequence here is `Book`, which does what `send_pace`'s statement does (its SQL
is tested on both databases in tests/store/test_pace.py); the replicas' clocks are one
virtual clock, their wall clocks that clock plus an offset."""

from __future__ import annotations

import asyncio
import logging

import pytest

from scheduler import sharedlimits
from scheduler.limits import Limits
from scheduler.sharedlimits import SHARED_SAFETY, SharedSendLimiter
from tests.scheduler.fakes import VirtualTime
from tests.scheduler.test_limits import most_in_window

WALL_OFFSET = 1_700_000_000.0


class Book:
    """The shared sequence: the row `send_pace` keeps, moved on by each reservation."""

    def __init__(self) -> None:
        self.next_at = 0.0
        self.calls = 0
        self.failing = False

    async def reserve(self, start: float, span: float) -> float:
        self.calls += 1
        await asyncio.sleep(0)  # a statement's round trip lets others run
        if self.failing:
            raise OSError("connection refused")
        self.next_at = (self.next_at + span) if self.next_at > start else start + span
        return self.next_at


class Replica:
    """One replica's limiter on the shared virtual clock, recording when it sent."""

    def __init__(self, time: VirtualTime, book: Book, limits: Limits) -> None:
        self.time = time
        self.limiter = SharedSendLimiter(
            limits,
            clock=time.clock,
            sleep=time.sleep,
            wall=lambda: time.now + WALL_OFFSET,
        )
        self.limiter.share(book)
        self.sent: list[float] = []

    async def send(self, chat_id: int, *, is_group: bool = False) -> None:
        async with self.limiter.sending(chat_id, is_group=is_group):
            self.sent.append(self.time.now)

    async def fan_out(self, chats: range, workers: int = 50) -> None:
        queue = list(chats)

        async def worker() -> None:
            while queue:
                await self.send(queue.pop())

        await asyncio.gather(*(worker() for _ in range(workers)))


@pytest.mark.parametrize("per_second", [30.0, 1000.0])
async def test_two_replicas_together_never_exceed_the_overall_rate_and_come_close_to_it(
    per_second: float,
) -> None:
    time, book = VirtualTime(), Book()
    limits = Limits(per_second=per_second)
    first, second = Replica(time, book, limits), Replica(time, book, limits)
    chats = int(per_second * 4)
    start = time.now
    await time.run(first.fan_out(range(0, chats // 2)), second.fan_out(range(chats // 2, chats)))
    both = first.sent + second.sent
    assert len(both) == chats
    assert most_in_window(both, 1.0) <= per_second
    took = max(both) - start
    assert took <= chats / per_second * SHARED_SAFETY * 1.02
    # both replicas sent all along, not one after the other
    assert min(first.sent[-1], second.sent[-1]) - start > took * 0.9


async def test_each_statement_takes_a_batch_so_the_database_sees_few_per_second() -> None:
    time, book = VirtualTime(), Book()
    limits = Limits(per_second=1000.0)
    first, second = Replica(time, book, limits), Replica(time, book, limits)
    await time.run(first.fan_out(range(0, 2000)), second.fan_out(range(2000, 4000)))
    seconds = max(first.sent + second.sent) - 1000.0
    assert book.calls / seconds <= 2 * 15  # about ten a second for each busy replica
    assert first.limiter.reservations + second.limiter.reservations == book.calls


async def test_a_replica_that_stops_leaves_the_whole_budget_to_the_other() -> None:
    time, book = VirtualTime(), Book()
    limits = Limits(per_second=100.0)
    first, second = Replica(time, book, limits), Replica(time, book, limits)

    async def first_dies() -> None:
        task = asyncio.ensure_future(first.fan_out(range(0, 1000)))
        await time.sleep(2.0)
        task.cancel()  # SIGKILL, as far as the budget knows: it just takes no more slots
        await asyncio.gather(task, return_exceptions=True)

    await time.run(first_dies(), second.fan_out(range(1000, 1600)))
    both = first.sent + second.sent
    assert most_in_window(both, 1.0) <= 100
    # The dead one's slots, unused: three batches (those held, and those taken next),
    # interleaved with the survivor's own, so twice as long.
    held_ahead = 2 * 3 * sharedlimits.BATCH_SPAN_S * SHARED_SAFETY
    alone = [moment for moment in second.sent if moment >= 1000.0 + 2.0 + held_ahead]
    # after the other stopped, the survivor sends at (nearly) the whole rate
    assert len(alone) / (max(alone) - min(alone)) >= 100 / SHARED_SAFETY * 0.97
    # while both sent, each had about half
    shared = [moment for moment in second.sent if moment < 1000.0 + 2.0]
    assert 0.35 <= len(shared) / 200 <= 0.65


async def test_a_rate_limit_pause_on_one_replica_holds_the_other_too() -> None:
    time, book = VirtualTime(), Book()
    limits = Limits(per_second=100.0)
    first, second = Replica(time, book, limits), Replica(time, book, limits)

    async def pause_soon() -> None:
        await time.sleep(0.5)
        first.limiter.pause(2.0)  # the server answered 429, retry_after 2

    await time.run(
        first.fan_out(range(0, 300), workers=5),
        second.fan_out(range(300, 600), workers=5),
        pause_soon(),
    )
    # The other replica may still use the slots it took before the pause (those held and
    # those taken next: three batches at most); after those, nothing until it is over.
    after_its_batches = 1000.5 + 3 * sharedlimits.BATCH_SPAN_S * SHARED_SAFETY
    held = [m for m in first.sent + second.sent if after_its_batches < m < 1000.5 + 2.0 - 1e-6]
    assert held == []


async def test_a_slot_whose_moment_has_passed_is_dropped_not_used_late() -> None:
    time, book = VirtualTime(), Book()
    limits = Limits(per_second=100.0)
    first, second = Replica(time, book, limits), Replica(time, book, limits)
    real_sleep = time.sleep
    stalled = 0

    async def stalling_sleep(seconds: float) -> None:
        """Every 20th wake-up of the first replica comes 0.2 s late (a busy loop)."""
        nonlocal stalled
        stalled += 1
        await real_sleep(seconds + (0.2 if stalled % 20 == 0 else 0.0))

    first.limiter._sleep = stalling_sleep
    await time.run(first.fan_out(range(0, 600)), second.fan_out(range(600, 1200)))
    both = first.sent + second.sent
    assert len(both) == 1200
    assert most_in_window(both, 1.0) <= 100
    assert first.limiter.dropped_slots > 0


async def test_while_the_database_is_away_a_replica_paces_alone_at_a_quarter_of_the_limit(
    caplog: pytest.LogCaptureFixture,
) -> None:
    time, book = VirtualTime(), Book()
    replica = Replica(time, book, Limits(per_second=100.0))
    book.failing = True
    with caplog.at_level(logging.WARNING, logger=sharedlimits.__name__):
        await time.run(replica.fan_out(range(200), workers=10))
    rate = len(replica.sent) / (max(replica.sent) - min(replica.sent))
    assert rate <= 100 * sharedlimits.FALLBACK_SHARE * 1.05
    warnings = [r for r in caplog.records if "could not take send slots" in r.getMessage()]
    assert len(warnings) == 1  # once, not once per batch
    assert "OSError" in warnings[0].getMessage()

    book.failing = False
    with caplog.at_level(logging.WARNING, logger=sharedlimits.__name__):
        before = len(replica.sent)
        await time.run(replica.fan_out(range(200, 500), workers=10))
    assert len(replica.sent) - before == 300
    assert any("shared through the database again" in r.getMessage() for r in caplog.records)


async def test_a_limiter_not_shared_yet_paces_alone_like_one_process() -> None:
    time = VirtualTime()
    limiter = SharedSendLimiter(Limits(per_second=30.0), clock=time.clock, sleep=time.sleep)
    sent: list[float] = []

    async def send(chat: int) -> None:
        await limiter.acquire(chat, is_group=False)
        sent.append(time.now)

    await time.run(*(send(chat) for chat in range(90)))
    assert not limiter.shared
    assert most_in_window(sent, 1.0) <= 30
    assert limiter.reservations == 0
