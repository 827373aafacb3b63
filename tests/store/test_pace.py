"""The shared send sequence (`send_pace`): each reservation takes the span after the last
one, or from its own start when the sequence lies behind it; concurrent reservations
never overlap; a span of 0 pushes the sequence on (a 429 pause)."""

from __future__ import annotations

import asyncio
import itertools

from bot.store import Store
from scheduler.sharedlimits import StoreSlotBook

T = 1_750_000_000.0


async def test_the_first_reservation_starts_at_its_start_and_the_next_follows_it(
    store: Store,
) -> None:
    async with store.write() as tx:
        assert await tx.pace.reserve("telegram", T, 0.5) == T + 0.5
        assert await tx.pace.reserve("telegram", T + 0.1, 0.25) == T + 0.75  # queued behind


async def test_a_sequence_left_behind_restarts_at_the_reservations_start(store: Store) -> None:
    async with store.write() as tx:
        await tx.pace.reserve("telegram", T, 1.0)
        assert await tx.pace.reserve("telegram", T + 60.0, 0.5) == T + 60.5


async def test_a_span_of_zero_pushes_the_sequence_past_a_pause(store: Store) -> None:
    async with store.write() as tx:
        await tx.pace.reserve("telegram", T, 0.1)
        assert await tx.pace.reserve("telegram", T + 5.0, 0.0) == T + 5.0
        assert await tx.pace.reserve("telegram", T + 0.2, 0.1) == T + 5.1
        assert await tx.pace.reserve("telegram", T + 0.3, 0.0) == T + 5.1  # never back


async def test_each_platform_has_a_sequence_of_its_own(store: Store) -> None:
    async with store.write() as tx:
        await tx.pace.reserve("telegram", T, 10.0)
        assert await tx.pace.reserve("discord", T, 1.0) == T + 1.0


async def test_concurrent_reservations_take_spans_that_never_overlap(store: Store) -> None:
    book = StoreSlotBook(store, "telegram")
    ends = await asyncio.gather(*(book.reserve(T, 0.01 * (n + 1)) for n in range(40)))
    spans = sorted((end - 0.01 * (n + 1), end) for n, end in enumerate(ends))
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert start >= end - 1e-9
    assert spans[0][0] == T
    assert abs(spans[-1][1] - (T + sum(0.01 * (n + 1) for n in range(40)))) < 1e-6
