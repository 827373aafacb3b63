"""One send limiter for every message the bot sends: Telegram's limits, kept client-side.

Telegram allows about 30 messages a second overall, 20 a minute in one group and one a
second in one chat. Each send first waits for its own chat (so a busy chat never holds up
the others), then takes the next overall slot. Slots are spaced evenly, which never
exceeds the overall limit in any sliding window.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

# Sends are spaced a little wider than the limit so that jitter between our clock and
# the server's never pushes two sends into one window.
SAFETY = 1.02


@dataclass(frozen=True, slots=True)
class Limits:
    per_second: float = 30.0
    per_group_per_minute: float = 20.0
    per_chat_per_second: float = 1.0

    def scaled(self, factor: float) -> Limits:
        """The same limits `factor` times faster (tests and benchmarks)."""
        return Limits(
            self.per_second * factor,
            self.per_group_per_minute * factor,
            self.per_chat_per_second * factor,
        )


class _ChatWindow:
    __slots__ = ("lock", "sent")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.sent: deque[float] = deque()


class SendLimiter:
    def __init__(
        self,
        limits: Limits | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.limits = limits or Limits()
        self._clock = clock
        self._sleep = sleep
        self._spacing = SAFETY / self.limits.per_second
        self._chat_spacing = SAFETY / self.limits.per_chat_per_second
        self._group_window = 60.0 / (self.limits.per_group_per_minute / 20.0) * SAFETY
        self._group_max = 20
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._chats: dict[int | str, _ChatWindow] = {}

    def pause(self, seconds: float) -> None:
        """Hold every send for `seconds` (the server answered 429 with retry_after)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    async def acquire(self, chat_id: int | str, *, is_group: bool) -> None:
        """Wait until one message to `chat_id` may go out, and count it as sent."""
        window = self._chats.get(chat_id)
        if window is None:
            window = self._chats[chat_id] = _ChatWindow()
        async with window.lock:
            await self._wait_for_chat(window, is_group)
            await self._take_overall_slot()
            window.sent.append(self._clock())
            self._forget_old(window, is_group)

    async def _wait_for_chat(self, window: _ChatWindow, is_group: bool) -> None:
        while True:
            now = self._clock()
            ready = max(now, self._paused_until)
            if window.sent:
                ready = max(ready, window.sent[-1] + self._chat_spacing)
            if is_group and len(window.sent) >= self._group_max:
                ready = max(ready, window.sent[-self._group_max] + self._group_window)
            if ready <= now:
                return
            await self._sleep(ready - now)

    async def _take_overall_slot(self) -> None:
        while True:
            now = self._clock()
            slot = max(now, self._next_slot, self._paused_until)
            if slot <= now:
                self._next_slot = now + self._spacing
                return
            await self._sleep(slot - now)

    def _forget_old(self, window: _ChatWindow, is_group: bool) -> None:
        keep = self._group_window if is_group else self._chat_spacing
        horizon = self._clock() - keep
        while window.sent and window.sent[0] < horizon:
            window.sent.popleft()
