"""Telegram's flood limits on sending methods, as sliding windows.

Per bot (each token has its own accounting), a send is refused with 429 when accepting it
would put more than:

- ``overall_per_second`` sends (default 30; 1000 with ``allow_paid_broadcast``) in the
  last ``1 s`` across all chats,
- ``per_chat_per_second`` sends (default 1) in the last ``1 s`` to one chat,
- ``group_per_minute`` sends (default 20) in the last ``60 s`` to one group/supergroup.

Only accepted sends take a slot; a refused one does not. ``speedup`` divides every window
(so 10 means 300 sends per second overall, one per 0.1 s per chat), so tests and benchmarks
can run faster with the same logic. ``retry_after`` is reported in Telegram seconds (the
unscaled clock the bot is told about): ``ceil(real_wait * speedup)``, at least 1; a bot
that honours the scale sleeps ``retry_after / speedup`` real seconds (see
``RateLimits.real_seconds``).

``mode``: ``"enforce"`` answers 429 and counts the violation, ``"count"`` only counts
(the send goes through: useful to measure a bot's behaviour without disturbing it),
``"off"`` does neither.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import Literal

LimitMode = Literal["enforce", "count", "off"]

#: Methods that count against the flood limits (edits, callback answers, reactions and
#: chat actions do not).
SENDING_METHODS = frozenset(
    {
        "sendmessage",
        "sendphoto",
        "senddocument",
        "sendpoll",
        "sendaudio",
        "sendvideo",
        "sendanimation",
        "sendvoice",
        "sendvideonote",
        "sendsticker",
        "sendlocation",
        "sendvenue",
        "sendcontact",
        "senddice",
        "sendmediagroup",
        "sendinvoice",
        "sendgame",
        "sendpaidmedia",
        "copymessage",
        "copymessages",
        "forwardmessage",
        "forwardmessages",
    }
)


@dataclass(frozen=True)
class RateLimits:
    """Limit configuration. ``RateLimits(speedup=10)`` runs the same limits 10x faster."""

    overall_per_second: int = 30
    paid_broadcast_per_second: int = 1000
    per_chat_per_second: int = 1
    group_per_minute: int = 20
    speedup: float = 1.0
    mode: LimitMode = "enforce"

    def real_seconds(self, telegram_seconds: float) -> float:
        """Real time a bot should wait for a ``retry_after`` of ``telegram_seconds``."""
        return telegram_seconds / self.speedup


@dataclass(frozen=True)
class Violations:
    """Counts of refused (or, in ``count`` mode, would-be refused) sends.

    A send over several limits at once counts once in ``total`` and once per kind.
    """

    overall: int = 0
    per_chat: int = 0
    per_group: int = 0
    total: int = 0
    by_chat: dict[int, int] = field(default_factory=dict)

    def __add__(self, other: Violations) -> Violations:
        by_chat = dict(self.by_chat)
        for chat_id, count in other.by_chat.items():
            by_chat[chat_id] = by_chat.get(chat_id, 0) + count
        return Violations(
            overall=self.overall + other.overall,
            per_chat=self.per_chat + other.per_chat,
            per_group=self.per_group + other.per_group,
            total=self.total + other.total,
            by_chat=by_chat,
        )


@dataclass(frozen=True)
class LimitDecision:
    """What the limiter decided about one send."""

    allowed: bool
    exceeded: tuple[str, ...] = ()
    retry_after: int = 0  # Telegram seconds, when over a limit


class _Window:
    """Timestamps of accepted sends inside a sliding window."""

    __slots__ = ("times",)

    def __init__(self) -> None:
        self.times: deque[float] = deque()

    def wait(self, now: float, limit: int, span: float) -> float:
        """Real seconds until one more send fits (0 when it fits now)."""
        while self.times and self.times[0] <= now - span:
            self.times.popleft()
        if len(self.times) < limit:
            return 0.0
        return self.times[len(self.times) - limit] + span - now


class RateLimiter:
    """Sliding-window accounting for one bot."""

    def __init__(self, limits: RateLimits) -> None:
        self.limits = limits
        self._overall = _Window()
        self._chats: dict[int, _Window] = {}
        self._groups: dict[int, _Window] = {}
        self._overall_count = 0
        self._chat_count = 0
        self._group_count = 0
        self._total = 0
        self._by_chat: dict[int, int] = {}

    def reset(self, limits: RateLimits | None = None) -> None:
        """Forget the windows (and switch configuration); violation counts are kept."""
        if limits is not None:
            self.limits = limits
        self._overall = _Window()
        self._chats.clear()
        self._groups.clear()

    def check(
        self, chat_id: int, *, is_group: bool, now: float, paid_broadcast: bool = False
    ) -> LimitDecision:
        """Decide about a send to ``chat_id`` at ``now`` (real monotonic seconds).

        An allowed send (or any send in ``count`` mode) takes its slots.
        """
        limits = self.limits
        if limits.mode == "off":
            return LimitDecision(allowed=True)
        scale = limits.speedup
        overall_limit = (
            limits.paid_broadcast_per_second if paid_broadcast else limits.overall_per_second
        )
        chat_window = self._chats.setdefault(chat_id, _Window())
        group_window = self._groups.setdefault(chat_id, _Window()) if is_group else None
        waits: dict[str, float] = {
            "overall": self._overall.wait(now, overall_limit, 1.0 / scale),
            "per_chat": chat_window.wait(now, limits.per_chat_per_second, 1.0 / scale),
        }
        if group_window is not None:
            waits["per_group"] = group_window.wait(now, limits.group_per_minute, 60.0 / scale)
        exceeded = tuple(kind for kind, wait in waits.items() if wait > 0)
        if exceeded:
            self._count(exceeded, chat_id)
            if limits.mode == "enforce":
                real_wait = max(waits.values())
                retry_after = max(1, math.ceil(real_wait * scale - 1e-9))
                return LimitDecision(allowed=False, exceeded=exceeded, retry_after=retry_after)
        self._overall.times.append(now)
        chat_window.times.append(now)
        if group_window is not None:
            group_window.times.append(now)
        return LimitDecision(allowed=True, exceeded=exceeded)

    def _count(self, exceeded: tuple[str, ...], chat_id: int) -> None:
        self._total += 1
        self._by_chat[chat_id] = self._by_chat.get(chat_id, 0) + 1
        if "overall" in exceeded:
            self._overall_count += 1
        if "per_chat" in exceeded:
            self._chat_count += 1
        if "per_group" in exceeded:
            self._group_count += 1

    @property
    def violations(self) -> Violations:
        return Violations(
            overall=self._overall_count,
            per_chat=self._chat_count,
            per_group=self._group_count,
            total=self._total,
            by_chat=dict(self._by_chat),
        )
