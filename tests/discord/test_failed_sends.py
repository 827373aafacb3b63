"""A question whose send fails on Discord is marked so, never left `claimed`: it is not
the channel's open question, and answers and /reveal do not attach to it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from scheduler.service import QuizScheduler
from tests.discord import payloads as p
from tests.discord.helpers import BAD_REQUEST, SERVICE_UNAVAILABLE, Clock, Failure, Harness
from tests.discord.test_daily_channel import subscribe


def statuses(db_path: Path) -> list[str]:
    with sqlite3.connect(db_path) as conn:
        return [row[0] for row in conn.execute("SELECT status FROM deliveries ORDER BY id")]


@pytest.mark.parametrize(
    ("failure", "status"), [(BAD_REQUEST, "failed"), (SERVICE_UNAVAILABLE, "unknown")]
)
async def test_a_daily_question_that_fails_to_send_is_not_left_claimed(
    harness: Harness,
    clock: Clock,
    db_path: Path,
    scheduler: QuizScheduler,
    failure: Failure,
    status: str,
) -> None:
    clock.now = clock.now.replace(hour=7)
    await subscribe(harness)
    await scheduler.resync()
    harness.api.fail(p.QUIZ_CHANNEL_ID, failure)
    clock.now = clock.now.replace(hour=8)

    await scheduler.run_due(clock.now)

    assert statuses(db_path) == [status]
    reveal = await harness.command("reveal", permissions=p.ADMIN)
    assert "Answer ·" not in reveal.texts


async def test_a_quiz_question_that_fails_to_post_is_not_the_open_question(
    harness: Harness, db_path: Path
) -> None:
    harness.api.reply_failure = BAD_REQUEST
    await harness.command("quiz", p.string_option("topic", "latency"))

    assert statuses(db_path) == ["failed"]
    harness.api.reply_failure = None
    reveal = await harness.command("reveal", permissions=p.ADMIN)
    assert "Answer ·" not in reveal.texts
