"""One send limiter for every message the bot sends: Telegram's limits, kept client-side.

Telegram allows about 30 messages a second overall, 20 a minute in one group and one a
second in one chat. Each send first waits for its own chat (so a busy chat never holds up
the others), then reserves the next overall slot. Slots are handed out first come, first
served and spaced evenly, which never exceeds the overall limit in any sliding window.
`pause` (after a 429) holds every send, including those already holding a slot.

Spacing alone assumes each message reaches Telegram the moment its slot comes; in truth
it arrives somewhere between then and its answer, and a stalled moment (a busy event
loop, a slow network) bunches arrivals. Sends made inside `sending()` are therefore also
counted, conservatively, as in the sliding second until their answer came back: a send
only goes out while fewer than `per_second` others may still fall in its second, however
late they arrive. Spacing sets the pace; this guard makes it safe against jitter.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

# Sends are spaced a little wider than the limit so that jitter between our clock and
# the server's never pushes two sends into one window.
SAFETY = 1.02
GROUP_BURST = 20
"""At most this many messages go to one group back to back (Telegram's 20 a minute)."""
SWEEP_EVERY = 1024
"""Forget idle chats every this many sends, so memory follows the active chats only."""


@dataclass(frozen=True, slots=True)
class Limits:
    per_second: float = 30.0
    per_group_per_minute: float = 20.0
    per_chat_per_second: float = 1.0

    def __post_init__(self) -> None:
        for name in ("per_second", "per_group_per_minute", "per_chat_per_second"):
            if not getattr(self, name) > 0:
                raise ValueError(f"Limits.{name} must be greater than 0")


class _ChatWindow:
    __slots__ = ("is_group", "lock", "sent", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.sent: deque[float] = deque()
        self.users = 0
        """Coroutines inside `acquire` for this chat; a window in use is never swept."""
        self.is_group = False


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
        self._group_max = max(1, min(GROUP_BURST, int(self.limits.per_group_per_minute)))
        # `_group_max` sends per window averages `per_group_per_minute` a minute.
        self._group_window = 60.0 * self._group_max / self.limits.per_group_per_minute * SAFETY
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._chats: dict[int | str, _ChatWindow] = {}
        self._since_sweep = 0
        self._window_max = max(1, math.floor(self.limits.per_second))
        self._ended: deque[float] = deque()
        """When each recent send was known to be over (answered), in that order."""
        self._in_flight = 0
        """Sends inside `sending()` not answered yet (they may arrive any time)."""
        self.window_waits = 0
        """How often a send was held because answers were slow to come back (monitoring)."""

    @property
    def paused_until(self) -> float:
        """The clock reading until which every send is held (0 if never paused)."""
        return self._paused_until

    def figures(self) -> dict[str, float]:
        """Counts for monitoring (names as in `bot.ops.metrics.SENDING_FIGURES`)."""
        return {"send_waits_for_answers": self.window_waits}

    @property
    def tracked_chats(self) -> int:
        """Chats whose recent sends are remembered (for tests and monitoring)."""
        return len(self._chats)

    def pause(self, seconds: float) -> None:
        """Hold every send for `seconds` (the server answered 429 with retry_after)."""
        self._paused_until = max(self._paused_until, self._clock() + max(0.0, seconds))

    @asynccontextmanager
    async def sending(self, chat_id: int | str, *, is_group: bool) -> AsyncIterator[None]:
        """`acquire`, then send inside the block: until the block ends (the answer came
        back, or the call failed) the message counts as possibly arriving at any moment."""
        await self._acquire(chat_id, is_group, in_flight=True)
        try:
            yield
        finally:
            self._in_flight -= 1
            self._ended.append(self._clock())

    async def acquire(self, chat_id: int | str, *, is_group: bool) -> None:
        """Wait until one message to `chat_id` may go out, and count it as sent (at once:
        `sending` also covers the time the message takes to get there)."""
        await self._acquire(chat_id, is_group, in_flight=False)

    async def _acquire(self, chat_id: int | str, is_group: bool, *, in_flight: bool) -> None:
        window = self._chats.get(chat_id)
        if window is None:
            window = self._chats[chat_id] = _ChatWindow()
        window.users += 1
        try:
            async with window.lock:
                window.is_group = window.is_group or is_group
                await self._wait_for_chat(window, is_group)
                await self._take_overall_slot()
                now = self._clock()
                window.sent.append(now)
                if in_flight:
                    self._in_flight += 1
                else:
                    self._ended.append(now)
                self._forget_old(window)
        finally:
            window.users -= 1
        self._maybe_sweep()

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
        """Reserve the next free slot (first come, first served) and wait for it."""
        slot = self._reserve()
        while True:
            now = self._clock()
            if now >= slot:
                if self._paused_until > now:
                    slot = self._reserve()  # paused after the reservation: queue up again
                    continue
                wait = self._window_wait(now)
                if wait <= 0:
                    return
                self.window_waits += 1
                await self._sleep(wait)
                continue
            await self._sleep(slot - now)

    def _window_wait(self, now: float) -> float:
        """Seconds until fewer than `per_second` sends may still land in one second with
        a send made now (0 if that is so already)."""
        ended = self._ended
        while ended and ended[0] <= now - 1.0:
            ended.popleft()
        excess = len(ended) + self._in_flight - self._window_max + 1
        if excess <= 0:
            return 0.0
        if excess > len(ended):  # only answers of sends in flight can make room
            return self._spacing
        return ended[excess - 1] + 1.0 - now

    def _reserve(self) -> float:
        slot = max(self._clock(), self._next_slot, self._paused_until)
        self._next_slot = slot + self._spacing
        return slot

    def _keep_for(self, window: _ChatWindow) -> float:
        return max(self._chat_spacing, self._group_window if window.is_group else 0.0)

    def _forget_old(self, window: _ChatWindow) -> None:
        horizon = self._clock() - self._keep_for(window)
        while window.sent and window.sent[0] < horizon:
            window.sent.popleft()

    def _maybe_sweep(self) -> None:
        self._since_sweep += 1
        if self._since_sweep < SWEEP_EVERY:
            return
        self._since_sweep = 0
        now = self._clock()
        idle = [
            chat_id
            for chat_id, window in self._chats.items()
            if window.users == 0
            and (not window.sent or window.sent[-1] < now - self._keep_for(window))
        ]
        for chat_id in idle:
            del self._chats[chat_id]
