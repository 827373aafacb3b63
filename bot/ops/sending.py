"""A `Sender` that counts what happens to the scheduler's sends, around any platform's.

    sender = MeteredSender(TelegramSender(bot), metrics)

Each call is counted by how it ended: `sent`, `retried` (rate limited, or the chat moved:
the scheduler sends it again), `unreachable`, `unknown` (may have arrived) or `failed`.
A send cancelled by the scheduler's own timeout is not seen here (the scheduler records
it as unknown). Optional sender methods (such as `send_recap`) are passed through, metered
the same way, exactly when the wrapped sender has them.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, TypeVar

from bot.engine.results import Asked, Reveal
from bot.ops.metrics import Metrics
from scheduler.sending import (
    ChatMoved,
    ChatTarget,
    ChatUnreachable,
    OutcomeUnknown,
    ReminderStreak,
    RetryLater,
    Sender,
    SentMessage,
)

R = TypeVar("R")


class MeteredSender:
    def __init__(self, inner: Sender, metrics: Metrics, *, count_rate_limits: bool) -> None:
        """`count_rate_limits`: count each RetryLater as a 429 too (for platforms whose
        HTTP layer is not metered already)."""
        self.inner = inner
        self.metrics = metrics
        self.count_rate_limits = count_rate_limits

    @property
    def platform(self) -> str:
        return self.inner.platform

    async def send_question(self, target: ChatTarget, asked: Asked) -> SentMessage:
        return await self._counted(self.inner.send_question(target, asked))

    async def send_reveal(self, reveal: Reveal) -> None:
        await self._counted(self.inner.send_reveal(reveal))

    async def send_reminder(self, target: ChatTarget, streak: ReminderStreak) -> None:
        await self._counted(self.inner.send_reminder(target, streak))

    def __getattr__(self, name: str) -> Any:
        """Other `send_*` methods of the wrapped sender (optional protocols), metered."""
        if name == "inner":
            raise AttributeError(name)
        attribute = getattr(self.inner, name)
        if not (name.startswith("send_") and callable(attribute)):
            return attribute

        async def metered(*args: Any, **kwargs: Any) -> Any:
            return await self._counted(attribute(*args, **kwargs))

        return metered

    async def _counted(self, call: Awaitable[R]) -> R:
        try:
            result = await call
        except RetryLater:
            self.metrics.delivery("retried")
            if self.count_rate_limits:
                self.metrics.rate_limited()
            raise
        except ChatMoved:
            self.metrics.delivery("retried")
            raise
        except ChatUnreachable:
            self.metrics.delivery("unreachable")
            raise
        except (OutcomeUnknown, TimeoutError):
            self.metrics.delivery("unknown")
            raise
        except Exception:
            self.metrics.delivery("failed")
            raise
        self.metrics.delivery("sent")
        return result
