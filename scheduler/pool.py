"""A bounded set of workers over a stream of items: one slow item never stalls the rest."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

log = logging.getLogger(__name__)


async def run_pool(
    items: Iterable[T], handle: Callable[[T], Awaitable[None]], *, workers: int
) -> None:
    """Run `handle` on every item with at most `workers` running at once.

    Items are pulled lazily, so a large fan-out holds only `workers` in flight. An
    exception from one item is logged and the worker moves on; cancelling the pool
    cancels every worker.
    """
    iterator = iter(items)

    async def worker() -> None:
        for item in iterator:
            try:
                await handle(item)
            except Exception:
                log.exception("delivery of %r failed", item)

    async with asyncio.TaskGroup() as group:
        for _ in range(max(1, workers)):
            group.create_task(worker())
