"""python-telegram-bot hooks that feed `Metrics` (bot.ops.metrics): every Bot API call
and every update. Telegram-specific, so it lives with the Telegram adapter.

- `MeteredRequest`: the bot's Bot API transport (`bot.telegram.transport`) that notes
  each answer (a success, a 429, an error). Every call passes it, polling and sends
  alike, so it knows the time of the last successful call and counts every 429. It never logs (the URL holds the token).
- `MeteredUpdateProcessor`: wraps PTB's update processor (the adapter's own, or PTB's
  concurrent one) and times each update's handling, by kind.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor, SimpleUpdateProcessor

from bot.ops.metrics import Metrics
from bot.telegram.transport import AiohttpRequest

DEFAULT_CONCURRENT_UPDATES = 256
"""PTB's own default for `concurrent_updates(True)`."""


class MeteredRequest(AiohttpRequest):
    def __init__(self, metrics: Metrics, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.metrics = metrics

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        try:
            code, payload = await super().do_request(*args, **kwargs)
        except Exception:
            self.metrics.api_call(False)
            raise
        if code == 429:
            self.metrics.rate_limited()
        self.metrics.api_call(200 <= code < 300)
        return code, payload


class MeteredUpdateProcessor(BaseUpdateProcessor):
    """Wraps the adapter's own update processor (its ordering and concurrency stay as
    they are) and times each update's handlers."""

    def __init__(self, metrics: Metrics, inner: BaseUpdateProcessor | None = None) -> None:
        self.inner = inner or SimpleUpdateProcessor(DEFAULT_CONCURRENT_UPDATES)
        super().__init__(self.inner.max_concurrent_updates)
        self.metrics = metrics

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await self.inner.do_process_update(update, self._timed(update, coroutine))

    async def _timed(self, update: object, coroutine: Awaitable[Any]) -> None:
        started = time.perf_counter()
        try:
            await coroutine
        finally:
            self.metrics.update_handled(update_kind(update), time.perf_counter() - started)

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()


def update_kind(update: object) -> str:
    """A short label for what an update carries (a bounded set, fit for a metric label)."""
    if not isinstance(update, Update):
        return "other"
    message = update.message
    if message is not None:
        entities = message.entities or ()
        if entities and entities[0].type == "bot_command" and entities[0].offset == 0:
            return "command"
        return "message"
    for kind in (
        "edited_message",
        "callback_query",
        "poll_answer",
        "poll",
        "my_chat_member",
        "chat_member",
        "channel_post",
    ):
        if getattr(update, kind, None) is not None:
            return kind
    return "other"
