"""The periodic check: group reveals whose time has come, and evening streak reminders."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, time

from bot.engine.quiz import Engine
from bot.engine.reminders import ReminderDue
from bot.engine.results import Reveal
from scheduler.deliveries import Deliveries
from scheduler.pool import run_pool

log = logging.getLogger(__name__)


class Followups:
    def __init__(
        self,
        engine: Engine,
        deliveries: Deliveries,
        *,
        platform: str,
        remind_at: time,
        workers: int,
    ) -> None:
        self.engine = engine
        self.deliveries = deliveries
        self.platform = platform
        self.remind_at = remind_at
        self.workers = workers

    async def reveals(self, now: datetime) -> Counter[str]:
        """Post every group answer whose reveal time has passed (each once)."""
        tally: Counter[str] = Counter()

        async def reveal(item: Reveal) -> None:
            tally[(await self.deliveries.reveal(item)).value] += 1

        due = await self.engine.reveals.due(self.platform, now)
        await run_pool(due, reveal, workers=self.workers)
        if tally:
            log.info("reveals: %s", dict(tally))
        return tally

    async def reminders(self, now: datetime) -> Counter[str]:
        """Nudge every player whose streak ends tonight (at most once a local day)."""
        tally: Counter[str] = Counter()

        async def remind(item: ReminderDue) -> None:
            outcome = await self.deliveries.reminder(item)
            tally[outcome.value if outcome else "reminded before"] += 1

        due = await self.engine.daily.reminders_due(self.platform, now, self.remind_at)
        await run_pool(due, remind, workers=self.workers)
        if tally:
            log.info("streak reminders: %s", dict(tally))
        return tally
