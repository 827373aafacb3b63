"""Weekly group recaps: on Monday, once a group's push time has passed in its timezone,
the recap of the week before (top members, streaks, hardest questions, deck covered).

Runs in the periodic check, like reminders. Each week is claimed in the database before
its recap is sent, so a recap goes out at most once, across restarts; a quiet week is
claimed and sends nothing. Only senders that implement `RecapSender` get recaps.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import replace
from datetime import datetime
from typing import Protocol, runtime_checkable

from bot.engine.quiz import Engine
from bot.progress.recap import Recap, RecapDue
from scheduler.deliveries import Deliveries
from scheduler.pool import run_pool
from scheduler.sending import ChatTarget

log = logging.getLogger(__name__)


@runtime_checkable
class RecapSender(Protocol):
    """A `Sender` that can also post weekly recaps (optional: senders without
    `send_recap` get none). Raises the same `SendError` outcomes as `Sender`."""

    async def send_recap(self, target: ChatTarget, recap: Recap) -> None:
        """Post a group's weekly recap (render it with `bot.progress.recap`)."""
        ...


class Recaps:
    def __init__(
        self, engine: Engine, deliveries: Deliveries, *, platform: str, workers: int
    ) -> None:
        self.engine = engine
        self.deliveries = deliveries
        self.platform = platform
        self.workers = workers

    @property
    def enabled(self) -> bool:
        return isinstance(self.deliveries.sender, RecapSender)

    async def run(self, now: datetime) -> Counter[str]:
        """Send every recap due at `now` (each week once per group)."""
        tally: Counter[str] = Counter()
        if not self.enabled:
            return tally

        async def send(item: RecapDue) -> None:
            tally[await self.recap(item, now)] += 1

        due = await self.engine.recaps.due(self.platform, now)
        await run_pool(due, send, workers=self.workers)
        if tally:
            log.info("weekly recaps: %s", dict(tally))
        return tally

    async def recap(self, item: RecapDue, now: datetime) -> str:
        """Claim, build and send one group's recap; returns what happened."""
        if not await self.engine.recaps.claim(item.chat_id, item.week_start):
            return "recapped before"
        recap = await self.engine.recaps.weekly(item.chat_id, now)
        if recap is None:
            return "quiet week"
        sender = self.deliveries.sender
        assert isinstance(sender, RecapSender)
        target = ChatTarget(
            recap.platform, recap.chat_external_id, True, recap.thread_id, recap.language
        )

        async def deliver(to: ChatTarget) -> None:
            await sender.send_recap(to, replace(recap, chat_external_id=to.external_id))

        return (await self.deliveries.dispatcher.send(target, deliver)).outcome.value
