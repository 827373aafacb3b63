"""Delivering a claimed question: send it, then record how it went. The one path for
"claim, send, mark" that `/quiz` on Telegram and Discord, the console and the
scheduler's daily push all take.

The question is claimed first (`ask`, `claim_daily`): its delivery row exists before
anything is sent, which is what keeps the daily question once a day across crashes.
`deliver` then calls the adapter's `send` and records exactly one outcome:

- sent: the message's ids, so replies can be matched to it (`question_sent`);
- not sent, known: the platform refused it ('failed'), the chat may be asked again;
- not sent, unknown: it may have arrived (a timeout, a 5xx) — recorded 'unknown' and
  never sent again.

The send's error is raised again after it is recorded, so the adapter still reports it
(its error handler replies to the person). Platform-free: `send` and the
`outcome_unknown` rule are the adapter's, the recording is `DeliveryLog`'s.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.engine.results import Asked


@dataclass(frozen=True, slots=True)
class SentMessage:
    """What the platform answered for a sent question; stored to match replies to it."""

    message_id: int | None
    poll_id: str | None = None
    """Set when the question went out as a native quiz poll."""
    thread_id: int | None = None
    """The thread the message landed in (forum topic), if any."""


class NotSent(Exception):
    """A `send` that did not get the question out without a platform error of its own
    (the scheduler's, after its retries) raises this; `outcome_unknown` tells whether it
    may have arrived anyway."""

    def __init__(self, outcome_unknown: bool, reason: str = "") -> None:
        super().__init__(reason or ("outcome unknown" if outcome_unknown else "not sent"))
        self.outcome_unknown = outcome_unknown


class DeliveryLog(Protocol):
    """Where a delivery's outcome is recorded (the engine, or the scheduler's batches)."""

    async def sent(self, delivery_id: int, at: datetime, message: SentMessage) -> None: ...

    async def not_sent(self, delivery_id: int, *, outcome_unknown: bool) -> None: ...


class DeliveryRecorder(Protocol):
    """The asking use case's two calls that record a delivery's outcome
    (`engine.asking`)."""

    async def question_sent(
        self,
        delivery_id: int,
        now: datetime,
        *,
        message_id: int | None,
        thread_id: int | None = None,
        poll_id: str | None = None,
    ) -> None: ...

    async def question_not_sent(self, delivery_id: int, *, outcome_unknown: bool) -> None: ...


class EngineLog:
    """Records each outcome at once through the engine (`EngineLog(engine.asking)`)."""

    def __init__(self, asking: DeliveryRecorder) -> None:
        self.asking = asking

    async def sent(self, delivery_id: int, at: datetime, message: SentMessage) -> None:
        await self.asking.question_sent(
            delivery_id,
            at,
            message_id=message.message_id,
            thread_id=message.thread_id,
            poll_id=message.poll_id,
        )

    async def not_sent(self, delivery_id: int, *, outcome_unknown: bool) -> None:
        await self.asking.question_not_sent(delivery_id, outcome_unknown=outcome_unknown)


Send = Callable[[Asked], Awaitable[SentMessage]]


def not_sent_outcome(error: Exception) -> bool:
    """The default rule: unknown only when `send` said so (`NotSent`)."""
    return isinstance(error, NotSent) and error.outcome_unknown


async def deliver(
    asked: Asked,
    send: Send,
    log: DeliveryLog,
    now: Callable[[], datetime],
    *,
    outcome_unknown: Callable[[Exception], bool] = not_sent_outcome,
) -> SentMessage:
    """Send the claimed `asked` and record the outcome; returns what was sent.

    When `send` raises, the delivery is recorded 'unknown' if `outcome_unknown(error)`,
    else 'failed', and the error is raised again. A sent message without a thread of its
    own keeps the thread the question was claimed for.
    """
    try:
        sent = await send(asked)
    except Exception as error:
        await log.not_sent(asked.delivery_id, outcome_unknown=outcome_unknown(error))
        raise
    if sent.thread_id is None and asked.thread_id is not None:
        sent = SentMessage(sent.message_id, sent.poll_id, asked.thread_id)
    await log.sent(asked.delivery_id, now(), sent)
    return sent
