"""Fixtures of the scheduler tests: a fake wall clock, a recording sender, and a scheduler
whose limits are high enough that nothing waits (the limiter has its own tests)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.engine.quiz import Engine
from scheduler.limits import Limits
from scheduler.service import QuizScheduler
from scheduler.settings import SchedulerSettings
from tests.scheduler.fakes import FakeClock, FakeSender

FAST = Limits(per_second=1e6, per_group_per_minute=1e6, per_chat_per_second=1e6)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 3, 3, 0, 0, tzinfo=UTC))


@pytest.fixture
def sender(clock: FakeClock) -> FakeSender:
    return FakeSender(clock)


@pytest.fixture
def settings() -> SchedulerSettings:
    return SchedulerSettings(
        limits=FAST,
        catchup=timedelta(hours=6),
        send_timeout=0.2,
        debounce_seconds=0.01,
        workers=8,
    )


@pytest.fixture
async def scheduler(
    engine: Engine, sender: FakeSender, settings: SchedulerSettings, clock: FakeClock
) -> AsyncIterator[QuizScheduler]:
    """A scheduler with APScheduler not running: tests call `resync` and drive `run_due`."""
    made = QuizScheduler(engine, sender, settings=settings, clock=clock)
    try:
        yield made
    finally:
        await made.shutdown()
