"""A connected QuizBot over a real engine (SQLite in tmp_path, the mini deck)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest

from bot.config import Settings
from bot.discord.app import QuizBot
from bot.engine.quiz import Engine
from scheduler.limits import Limits
from scheduler.service import QuizScheduler
from scheduler.settings import SchedulerSettings
from tests.discord.helpers import Clock, FakeDiscord, Harness

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
UNLIMITED = Limits(per_second=1e6, per_group_per_minute=1e6, per_chat_per_second=1e6)


def settings_for(tmp_path: Path) -> Settings:
    return Settings.from_env(
        {
            "QUIZBOT_DB": str(tmp_path / "quizbot.db"),
            "QUIZBOT_CONTENT": str(FIXTURES / "mini.yaml"),
            "DISCORD_BOT_TOKEN": "test-bot-token",
        }
    )


@pytest.fixture
def clock(now: datetime) -> Clock:
    return Clock(now)


@pytest.fixture
def api() -> FakeDiscord:
    return FakeDiscord()


@pytest.fixture
async def harness(
    engine: Engine, clock: Clock, api: FakeDiscord, tmp_path: Path
) -> AsyncIterator[Harness]:
    bot = QuizBot(
        settings_for(tmp_path),
        engine=engine,
        clock=clock,
        sync_commands=False,
        with_scheduler=False,
    )
    connected = Harness(bot, api)
    await connected.connect()
    try:
        yield connected
    finally:
        await bot.close()


@pytest.fixture
def scheduler(harness: Harness, engine: Engine, clock: Clock) -> QuizScheduler:
    """The shared scheduler sending through the bot's DiscordSender; its jobs are not
    started: tests call `resync`, `run_due` and `tick` with the fake clock's time."""
    settings = SchedulerSettings(limits=UNLIMITED)
    return QuizScheduler(engine, harness.bot.sender, settings=settings, clock=clock)
