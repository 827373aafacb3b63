"""Coalescing many small writes into one: what a fan-out records per chat, in batches.

A fan-out sends hundreds of messages a second, and each "sent" mark is a write. One
transaction per mark costs a commit (an fsync) and a dozen trips to the database thread;
`Coalescer` hands every mark submitted while the previous batch was being written to one
call of `flush`, and each `submit` returns only once its own batch is written, so nothing
is acknowledged before it is on disk.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")

log = logging.getLogger(__name__)


class Coalescer(Generic[T]):
    def __init__(
        self, flush: Callable[[Sequence[T]], Awaitable[None]], *, max_batch: int = 256
    ) -> None:
        self._flush = flush
        self.max_batch = max_batch
        self._pending: list[tuple[T, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> None:
        """Write `item` with whatever else is waiting; raises what `flush` raised.

        Cancelling the caller does not withdraw the item: it is written all the same.
        """
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((item, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.ensure_future(self._write())
        await asyncio.shield(done)

    async def drain(self) -> None:
        """Wait until everything submitted so far is written."""
        while self._writer is not None and not self._writer.done():
            await asyncio.shield(self._writer)

    async def _write(self) -> None:
        while self._pending:
            batch = self._pending[: self.max_batch]
            del self._pending[: self.max_batch]
            try:
                await self._flush([item for item, _ in batch])
            except Exception as error:
                log.exception("writing a batch of %d failed", len(batch))
                for _, done in batch:
                    if not done.done():
                        done.set_exception(error)
                        done.exception()  # retrieved: a cancelled submitter never reads it
            else:
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)
