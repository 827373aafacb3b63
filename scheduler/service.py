"""The scheduler as the bot runs it: APScheduler jobs in the bot's event loop.

    scheduler = QuizScheduler(engine, sender, settings=SchedulerSettings.from_env())
    await scheduler.start()      # finishes unsent claims, catches up, schedules
    ...                          # the bot polls for updates meanwhile
    await scheduler.shutdown()

Jobs are derived from the database, never stored: one `DailyTrigger` job per distinct
(push time, timezone) slot, plus one interval job (every minute) for reveals and
reminders, which also runs any slot whose own job was missed. When a chat
changes its time, timezone or subscription the engine calls `schedule_listeners`; the
jobs are re-derived after a short debounce.

Everything the jobs do is also callable directly with an explicit `now` (`run_due`,
`tick`, `recover`), which is how the tests drive days of schedule in seconds.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.engine.clock import Clock, utc_now
from bot.engine.quiz import Engine
from scheduler.daily import DailyPush, Tally
from scheduler.deliveries import Deliveries
from scheduler.dispatch import Dispatcher
from scheduler.followups import Followups
from scheduler.limits import SendLimiter
from scheduler.recaps import Recaps
from scheduler.sending import Sender
from scheduler.settings import SchedulerSettings
from scheduler.slots import Slot
from scheduler.trigger import DailyTrigger

log = logging.getLogger(__name__)

TICK_JOB = "tick"


class QuizScheduler:
    def __init__(
        self,
        engine: Engine,
        sender: Sender,
        *,
        settings: SchedulerSettings | None = None,
        limiter: SendLimiter | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.engine = engine
        self.settings = settings or SchedulerSettings()
        self.limiter = limiter or SendLimiter(self.settings.limits)
        """Shared with the adapter's own replies, so every message counts once."""
        self.clock = clock
        dispatcher = Dispatcher(
            engine.settings,
            self.limiter,
            timeout=self.settings.send_timeout,
            max_retries=self.settings.max_retries,
        )
        deliveries = self.deliveries = Deliveries(engine, sender, dispatcher, clock)
        workers = self.settings.worker_count
        self.daily = DailyPush(
            engine,
            deliveries,
            platform=sender.platform,
            catchup=self.settings.catchup,
            workers=workers,
            clock=clock,
            claim_lease=self.settings.claim_lease,
        )
        self.followups = Followups(
            engine,
            deliveries,
            platform=sender.platform,
            remind_at=self.settings.remind_at,
            workers=workers,
        )
        self.recaps = Recaps(engine, deliveries, platform=sender.platform, workers=workers)
        self.jobs = AsyncIOScheduler(
            timezone=UTC,
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": max(1, int(self.settings.catchup.total_seconds())),
            },
        )
        self.recovery: asyncio.Task[Any] | None = None
        self._resync_handle: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    # -- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        """Load the slots, start the jobs, and begin recovery in the background."""
        await self.resync(at_start=True)
        self.jobs.add_job(
            self._tick_job,
            IntervalTrigger(seconds=self.settings.tick_seconds, timezone=UTC),
            id=TICK_JOB,
            replace_existing=True,
        )
        self.jobs.start()
        self.engine.schedule_listeners.append(self._schedule_changed)
        self.recovery = self._spawn(self.recover(self.clock()))

    async def shutdown(self) -> None:
        """Stop the jobs and cancel sends in flight (their claims finish next start)."""
        if self._schedule_changed in self.engine.schedule_listeners:
            self.engine.schedule_listeners.remove(self._schedule_changed)
        if self._resync_handle is not None:
            self._resync_handle.cancel()
        if self.jobs.running:
            self.jobs.shutdown(wait=False)  # cancels running jobs; done on the next loop turn
            await asyncio.sleep(0)
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.deliveries.marks.drain()  # "sent" marks already submitted reach the disk

    # -- what the jobs run (also called directly, with a given `now`) -------------------

    async def recover(self, now: datetime) -> dict[Slot, Tally]:
        """After a start: finish claims left unsent, then catch up missed slots."""
        await self.daily.finish_unsent(now)
        return await self.daily.run_due(now)

    async def run_due(self, now: datetime) -> dict[Slot, Tally]:
        """Everything due at `now`: slots whose fire has come, then reveals and reminders."""
        ran = await self.daily.run_due(now)
        await self.tick(now)
        return ran

    async def tick(self, now: datetime) -> None:
        """The periodic check: reveals due, then evening reminders, then weekly recaps;
        with replicas, also the daily claims a replica left unsent (see `claim_lease`)."""
        if self.settings.claim_lease:
            await self.daily.finish_unsent(now)
        await self.followups.reveals(now)
        await self.followups.reminders(now)
        await self.recaps.run(now)

    async def resync(self, *, at_start: bool = False) -> None:
        """Re-derive the slots from the database and add or remove their jobs.

        Slots found `at_start` may catch up a fire missed while the bot was down; slots
        that appear later only run from their next fire on.
        """
        await self.daily.load(self.clock(), at_start=at_start)
        self._sync_jobs()

    @property
    def slots(self) -> dict[Slot, int]:
        return self.daily.slots

    # -- APScheduler wiring ------------------------------------------------------------

    def _sync_jobs(self) -> None:
        wanted = {slot.job_id: slot for slot in self.daily.slots}
        for job in self.jobs.get_jobs():
            if job.id != TICK_JOB and job.id not in wanted:
                job.remove()
        have = {job.id for job in self.jobs.get_jobs()}
        for job_id, slot in wanted.items():
            if job_id not in have:
                self.jobs.add_job(
                    self._slot_job,
                    DailyTrigger(slot.at, slot.zone),
                    args=[slot],
                    id=job_id,
                    name=f"daily push {slot}",
                )

    async def _slot_job(self, slot: Slot) -> None:
        await self.daily.run_slot(slot, self.clock())

    async def _tick_job(self) -> None:
        now = self.clock()
        # A slot whose own job was missed (a blocked loop, a misfire) still goes out
        # within the catch-up window; in the background, so a long fan-out never
        # delays reveals and reminders.
        for slot in self.daily.take_due(now):
            self._spawn(self.daily.push_latest(slot, now))
        await self.tick(now)

    def _schedule_changed(self) -> None:
        """An engine schedule listener: re-derive the jobs once changes settle."""
        if self._resync_handle is not None:
            self._resync_handle.cancel()
        loop = asyncio.get_running_loop()
        self._resync_handle = loop.call_later(
            self.settings.debounce_seconds, lambda: self._spawn(self.resync())
        )

    def _spawn(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("scheduler task failed", exc_info=task.exception())
