"""APScheduler really runs the schedule: one job per slot (not per chat) with the right
trigger and next run time, jobs re-derived when chats change, and jobs that fire."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from apscheduler.job import Job
from apscheduler.triggers.interval import IntervalTrigger

from bot.engine.quiz import Engine
from bot.engine.results import ChatKey
from bot.store import Store
from scheduler.service import TICK_JOB, QuizScheduler
from scheduler.settings import SchedulerSettings
from scheduler.slots import Slot
from scheduler.trigger import DailyTrigger
from tests.scheduler.fakes import FakeClock, FakeSender, subscribe, utc

SLOTS = [
    ("07:00", "Europe/Berlin"),
    ("09:00", "Asia/Shanghai"),
    ("09:00", "UTC"),
    ("09:00", "America/New_York"),
    ("12:30", "Asia/Kolkata"),
    ("20:15", "America/Los_Angeles"),
    ("02:30", "Europe/Berlin"),
]


async def add_chats(store: Store, count: int) -> None:
    """`count` subscribed chats spread over SLOTS, written in one statement."""
    cycle = itertools.cycle(SLOTS)
    rows = []
    for number in range(count):
        push_time, timezone = next(cycle)
        kind = "group" if number % 5 == 0 else "private"
        rows.append((number + 1, kind, timezone, push_time, "2025-03-01T00:00:00+00:00"))
    async with store.write() as tx:
        await tx.conn.executemany(
            "INSERT INTO chats (platform, external_id, kind, timezone, push_time, subscribed,"
            " active, created_at) VALUES ('telegram', ?, ?, ?, ?, 1, 1, ?)",
            rows,
        )


def slot_jobs(scheduler: QuizScheduler) -> dict[str, Job]:
    return {job.id: job for job in scheduler.jobs.get_jobs() if job.id != TICK_JOB}


async def wait_for(condition: object, seconds: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


async def test_fifty_thousand_chats_make_one_job_per_slot(
    engine: Engine,
    sender: FakeSender,
    clock: FakeClock,
    settings: SchedulerSettings,
    store: Store,
) -> None:
    await add_chats(store, 50_000)
    no_catch_up = replace(settings, catchup=timedelta(0))
    scheduler = QuizScheduler(engine, sender, settings=no_catch_up, clock=clock)
    before = datetime.now(UTC)
    await scheduler.start()
    try:
        assert scheduler.recovery is not None
        await scheduler.recovery
        jobs = slot_jobs(scheduler)
        assert len(jobs) == len(SLOTS)
        assert sum(scheduler.slots.values()) == 50_000
        for push_time, timezone in SLOTS:
            slot = Slot(push_time, timezone)
            job = jobs[slot.job_id]
            assert isinstance(job.trigger, DailyTrigger)
            assert (job.trigger.at, job.trigger.zone) == (slot.at, slot.zone)
            assert job.next_run_time == slot.next_fire(before) or (
                job.next_run_time > before  # a fire passed while the test ran
            )
            assert timedelta(0) < job.next_run_time - before <= timedelta(hours=25)
        tick = scheduler.jobs.get_job(TICK_JOB)
        assert isinstance(tick.trigger, IntervalTrigger)
        assert tick.trigger.interval == timedelta(seconds=settings.tick_seconds)
        assert sender.questions == []  # catch-up window 0: nothing was sent at start
    finally:
        await scheduler.shutdown()


async def test_jobs_follow_schedule_changes_after_a_debounce(
    engine: Engine, sender: FakeSender, clock: FakeClock, settings: SchedulerSettings
) -> None:
    first = await subscribe(engine, 1, clock())
    await subscribe(engine, 2, clock())
    scheduler = QuizScheduler(engine, sender, settings=settings, clock=clock)
    await scheduler.start()
    try:
        assert set(slot_jobs(scheduler)) == {"daily:09:00:UTC"}
        await engine.settings.set_push_time(first, "18:00", clock(), is_group=False)
        await engine.settings.set_timezone(first, "Asia/Shanghai", clock(), is_group=False)
        await wait_for(lambda: "daily:18:00:Asia/Shanghai" in slot_jobs(scheduler))
        assert set(slot_jobs(scheduler)) == {"daily:09:00:UTC", "daily:18:00:Asia/Shanghai"}
        await engine.settings.set_subscribed(ChatKey("telegram", 2), False, clock(), is_group=False)
        await wait_for(lambda: "daily:09:00:UTC" not in slot_jobs(scheduler))
        assert set(slot_jobs(scheduler)) == {"daily:18:00:Asia/Shanghai"}
    finally:
        await scheduler.shutdown()
    assert scheduler._schedule_changed not in engine.schedule_listeners


async def test_a_slot_job_and_the_tick_job_really_run(
    engine: Engine, sender: FakeSender, clock: FakeClock, settings: SchedulerSettings
) -> None:
    group = await subscribe(engine, -7, clock(), group=True)
    await engine.settings.set_subscribed(group, True, clock(), is_group=True)
    scheduler = QuizScheduler(engine, sender, settings=settings, clock=clock)
    await scheduler.start()
    try:
        clock.set(utc("2025-03-03 09:00"))
        job = scheduler.jobs.get_job("daily:09:00:UTC")
        job.modify(next_run_time=datetime.now(UTC))  # fire now instead of at 09:00
        await wait_for(lambda: len(sender.questions) == 1)
        clock.set(utc("2025-03-03 13:00"))
        scheduler.jobs.get_job(TICK_JOB).modify(next_run_time=datetime.now(UTC))
        await wait_for(lambda: len(sender.reveals) == 1)
    finally:
        await scheduler.shutdown()
    assert not scheduler.jobs.running


async def test_start_catches_up_in_the_background(
    engine: Engine, sender: FakeSender, clock: FakeClock, settings: SchedulerSettings
) -> None:
    for number in range(3):
        await subscribe(engine, number, clock())
    clock.set(utc("2025-03-03 11:00"))
    scheduler = QuizScheduler(engine, sender, settings=settings, clock=clock)
    await scheduler.start()
    try:
        assert scheduler.recovery is not None
        await scheduler.recovery
        assert sorted(sender.question_chats()) == [0, 1, 2]
    finally:
        await scheduler.shutdown()


async def test_the_tick_job_runs_a_slot_whose_own_job_was_missed(
    engine: Engine, sender: FakeSender, clock: FakeClock, settings: SchedulerSettings
) -> None:
    await subscribe(engine, 1, clock())
    scheduler = QuizScheduler(engine, sender, settings=settings, clock=clock)
    await scheduler.start()
    try:
        clock.set(utc("2025-03-03 09:05"))  # the 09:00 job never ran (a blocked loop)
        scheduler.jobs.get_job(TICK_JOB).modify(next_run_time=datetime.now(UTC))
        await wait_for(lambda: len(sender.questions) == 1)
        assert sender.questions[0].at == utc("2025-03-03 09:05")
    finally:
        await scheduler.shutdown()
