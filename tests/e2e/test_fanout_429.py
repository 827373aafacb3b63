"""A daily fan-out through the whole bot (`build_application`: scheduler, TelegramSender,
shared send limiter) while the server answers every 50th sendMessage with 429: every chat
still gets exactly one question, and the server counts no rate-limit violation (the
injected 429s are faults, not violations; a send over a real limit would be one).

The overall limit is raised tenfold on both sides (300 a second; Telegram's windows and
per-chat and per-group limits), as in the crash test. The injected 429s say
`retry_after=1`; the bot is told a Telegram second lasts 0.1 s here
(`RetryPolicy.retry_after_scale`), so each one pauses every send for 0.1 s instead of 1 s.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import Settings
from bot.telegram.app import build_application, running
from bot.telegram.context import Tuning
from bot.telegram.ratelimit import RetryPolicy
from scheduler.limits import Limits
from scheduler.settings import SchedulerSettings
from tests.botapi import BotApiServer, Fault, RateLimits
from tests.e2e.fleet import (
    chat_of,
    daily_statuses,
    fleet_of,
    is_question,
    midday_slots,
    question_sends,
    register_groups,
    seed,
)
from tests.postgres import Server

TOKEN = "7300000002:AAHe2eRetryAfterTestToken_abcdefghij"
RATE = 300
PEOPLE, GROUPS = 800, 200
CHATS = PEOPLE + GROUPS
EVERY = 50
RETRY_AFTER = 1
RETRY_AFTER_SCALE = 0.1
NOW = datetime(2026, 3, 4, 10, 30, tzinfo=UTC)  # a Wednesday (no weekly recaps)
MINI_DECK = Path(__file__).resolve().parents[1] / "fixtures" / "mini.yaml"


@pytest.fixture(params=["sqlite", "postgresql"])
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Path | str]:
    """The bot's database: a SQLite file, or a PostgreSQL database (see tests/postgres.py)."""
    if request.param == "sqlite":
        yield tmp_path / "quiz.db"
        return
    server: Server = request.getfixturevalue("postgres_server")
    url = await server.create_database()
    try:
        yield url
    finally:
        await server.drop_database(url)


async def test_fanout_with_injected_429s_reaches_every_chat_once_within_the_limits(
    database: Path | str,
) -> None:
    fleet = fleet_of(PEOPLE, GROUPS, midday_slots(NOW))
    db_path = database
    await seed(db_path, fleet, NOW)
    limits = Limits(per_second=RATE)
    tuning = Tuning(
        limits=limits,
        retry=RetryPolicy(retry_after_scale=RETRY_AFTER_SCALE, server_error_backoff=0.01),
        clock=lambda: NOW,
        with_scheduler=True,
        scheduler=SchedulerSettings(limits=limits),
    )
    server_limits = RateLimits(overall_per_second=RATE)
    with BotApiServer(rate_limits=server_limits).in_thread() as server:
        server.add_bot(TOKEN, username="quiz_429_bot")
        register_groups(server, fleet)
        rule = server.add_fault(
            Fault.retry_after(RETRY_AFTER), method="sendMessage", token=TOKEN, every=EVERY
        )
        settings = Settings.from_env(
            {
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "QUIZBOT_TELEGRAM_API_URL": server.url,
                "QUIZBOT_DB": str(db_path),
                "QUIZBOT_CONTENT": str(MINI_DECK),
            }
        )
        app = build_application(settings, tuning)
        async with running(app, poll_timeout=1.0):
            scheduler = app.bot_data.scheduler
            assert scheduler is not None and scheduler.recovery is not None
            tallies = await scheduler.recovery  # the start-up catch-up: the whole fan-out
        calls = server.calls()
        violations = server.violations

    sends = question_sends(calls)
    refused = [call for call in calls if is_question(call) and not call.ok]
    print(
        f"\n{CHATS} chats: {sum(sends.values())} questions accepted,"
        f" {rule.fired} answered 429 by the fault, {violations.total} violations"
    )

    assert sum(t["sent"] for t in tallies.values()) == CHATS, tallies
    assert [chat for chat in fleet.chats if sends[chat] != 1] == []
    assert set(sends) == set(fleet.chats)
    assert rule.fired >= CHATS // EVERY - 1  # the 429s really were there
    # Every refusal was an injected one: none for being over a limit.
    assert [(chat_of(c), c.error) for c in refused if c.fault != "error 429"] == []
    assert len(refused) == rule.fired
    assert violations.total == 0, violations
    assert server.errors == []
    statuses = daily_statuses(db_path)
    assert len(statuses) == CHATS
    assert all(s == ["sent"] for s in statuses.values())
