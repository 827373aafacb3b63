"""Long polling into the durable inbox, instead of PTB's Updater.

PTB's Updater confirms updates when it fetches them (the next getUpdates carries a higher
offset) and parses a whole batch before handing any of it on: an update it cannot parse
fails the batch, which is fetched again forever. Here getUpdates returns raw JSON, the
batch is stored (`UpdateInbox.accept`), and only then does the next call's offset tell
Telegram it arrived. Parsing is per update, later, where a bad one is set aside alone.

Stopping cancels the open long poll, then confirms what was stored with one short
getUpdates (limit 1, timeout 0; anything it returns is not confirmed and comes again).
The getUpdates transport has room for both calls, so the confirmation never waits for
the cancelled poll's connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from telegram import Update
from telegram.error import Conflict, InvalidToken, RetryAfter, TelegramError
from telegram.request import BaseRequest, RequestData
from telegram.request._requestparameter import RequestParameter

from bot.telegram.inbox import UpdateInbox, update_id_of

logger = logging.getLogger(__name__)

BATCH = 100
"""Updates per getUpdates (Telegram's maximum)."""
CONFIRM_TIMEOUT = 3.0
"""Seconds the confirming getUpdates at stop may take."""
FIRST_BACKOFF, MAX_BACKOFF = 0.5, 30.0
"""Seconds to wait after a failed call, doubling up to the maximum."""
TRANSPORT_SLACK = 5.0
"""Seconds a long poll's HTTP read may take beyond the poll's own timeout."""


class Poller:
    def __init__(
        self,
        base_url: str,
        request: BaseRequest,
        inbox: UpdateInbox,
        *,
        timeout: float,
        offset: int | None = None,
    ) -> None:
        self.url = f"{base_url}/getUpdates"
        self.request = request
        self.inbox = inbox
        self.timeout = timeout
        self.offset = offset
        """The next update id wanted; everything before it is stored."""
        self._stopping = asyncio.Event()
        self._call: asyncio.Future[Any] | None = None
        self._loop_task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._loop_task = asyncio.create_task(self._run(), name="getUpdates")

    async def stop(self) -> None:
        """No more fetching; confirm what was stored."""
        self._stopping.set()
        if self._call is not None and not self._call.done():
            self._call.cancel()
        if self._loop_task is not None:
            await asyncio.gather(self._loop_task, return_exceptions=True)
        await self.confirm()

    async def confirm(self) -> None:
        if self.offset is None:
            return
        try:
            await self._get_updates(limit=1, wait=0, read_timeout=CONFIRM_TIMEOUT)
        except (TelegramError, OSError) as error:  # the next start confirms them instead
            logger.warning("could not confirm the updates handled: %s", error)

    async def _run(self) -> None:
        backoff = FIRST_BACKOFF
        while not self._stopping.is_set():
            self._call = asyncio.ensure_future(
                self._get_updates(
                    limit=BATCH, wait=self.timeout, read_timeout=self.timeout + TRANSPORT_SLACK
                )
            )
            try:
                batch = await self._call
            except asyncio.CancelledError:
                if self._stopping.is_set():
                    return
                raise
            except RetryAfter as error:
                await self._pause(_seconds(error.retry_after))
                continue
            except (Conflict, InvalidToken) as error:
                logger.error("getUpdates refused: %s", error)
                await self._pause(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            except (TelegramError, OSError) as error:
                logger.warning("network trouble while polling: %s", error)
                await self._pause(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            except Exception:  # a bug must not end polling for good
                logger.exception("getUpdates failed")
                await self._pause(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            if not isinstance(batch, list):
                logger.warning("getUpdates answered something other than a list: ignored")
                await self._pause(backoff)
                continue
            try:
                await self.inbox.accept(batch)
            except Exception as error:  # not stored: not confirmed, fetched again
                logger.error("could not store %d update(s): %s", len(batch), error)
                await self._pause(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            backoff = FIRST_BACKOFF
            ids = [update_id for update_id in map(update_id_of, batch) if update_id is not None]
            if ids:
                self.offset = max(max(ids) + 1, self.offset or 0)

    async def _get_updates(self, *, limit: int, wait: float, read_timeout: float) -> Any:
        parameters = {
            "timeout": int(wait),
            "limit": limit,
            "allowed_updates": list(Update.ALL_TYPES),
        }
        if self.offset is not None:
            parameters["offset"] = self.offset
        data = RequestData([RequestParameter.from_input(k, v) for k, v in parameters.items()])
        return await self.request.post(self.url, data, read_timeout=read_timeout)

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)


def _seconds(value: object) -> float:
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]
