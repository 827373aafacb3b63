"""The coalescer that writes a fan-out's "sent" marks in batches."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from scheduler.batching import Coalescer


class Writes:
    def __init__(self, fail: bool = False) -> None:
        self.batches: list[list[int]] = []
        self.fail = fail
        self.gate = asyncio.Event()
        self.gate.set()

    async def flush(self, items: Sequence[int]) -> None:
        await self.gate.wait()
        await asyncio.sleep(0)
        if self.fail:
            raise OSError("disk full")
        self.batches.append(list(items))


async def test_items_submitted_during_a_write_go_together_and_each_waits_for_its_own() -> None:
    writes = Writes()
    coalescer = Coalescer(writes.flush)
    done: list[int] = []

    async def submit(item: int) -> None:
        await coalescer.submit(item)
        assert any(item in batch for batch in writes.batches)  # written before returning
        done.append(item)

    await asyncio.gather(*(submit(n) for n in range(50)))
    assert sorted(done) == list(range(50))
    assert sorted(n for batch in writes.batches for n in batch) == list(range(50))
    assert len(writes.batches) < 50


async def test_batches_are_capped() -> None:
    writes = Writes()
    coalescer = Coalescer(writes.flush, max_batch=8)
    await asyncio.gather(*(coalescer.submit(n) for n in range(30)))
    assert max(len(batch) for batch in writes.batches) <= 8
    assert sum(len(batch) for batch in writes.batches) == 30


async def test_a_failed_write_is_raised_to_each_of_its_submitters() -> None:
    coalescer = Coalescer(Writes(fail=True).flush)
    results = await asyncio.gather(*(coalescer.submit(n) for n in range(3)), return_exceptions=True)
    assert all(isinstance(result, OSError) for result in results)


async def test_a_cancelled_submitter_still_gets_its_item_written() -> None:
    writes = Writes()
    writes.gate.clear()
    coalescer = Coalescer(writes.flush)
    task = asyncio.ensure_future(coalescer.submit(7))
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    writes.gate.set()
    await coalescer.drain()
    assert writes.batches == [[7]]
