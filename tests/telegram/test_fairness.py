"""One member cannot stall a group: with Telegram's real limits (20 messages a minute per
group), an answer behind 40 queued /quiz of one member and a question asked by each of 20
others is graded and acknowledged within seconds, and the member's repeats are turned
away by the /quiz cooldown without spending the group's budget."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import timedelta
from pathlib import Path

import pytest

from bot.ops.settings import OpsSettings
from bot.telegram.app import build_application, running
from bot.telegram.context import Tuning
from bot.telegram.ratelimit import RetryPolicy
from scheduler.limits import Limits
from tests.botapi import BotApiServer, RateLimits
from tests.telegram.conftest import (
    ADMIN,
    ALICE,
    BOB,
    BOT_USERNAME,
    TOKEN,
    Clock,
    Harness,
    message_id_of,
    settings_for,
)

GOOD_ANSWER = "The mean hides outliers, and p99 shows the tail."
OTHERS = [100_000_500 + n for n in range(20)]
ACKNOWLEDGED_WITHIN = 10.0


@pytest.fixture
async def real_limits_bot(tmp_path: Path) -> AsyncIterator[Harness]:
    async with BotApiServer(rate_limits=RateLimits()) as server:
        server.add_bot(TOKEN, username=BOT_USERNAME, first_name="Quiz")
        for user_id in (ADMIN, ALICE, BOB, *OTHERS):
            server.add_user(user_id, f"Member {user_id}")
        clock = Clock()
        tuning = Tuning(
            limits=Limits(),
            retry=RetryPolicy(server_error_backoff=0.01),
            clock=clock,
            with_scheduler=False,
            ops=OpsSettings(stop_grace=0.5),
            quiz_cooldown=timedelta(seconds=30),
        )
        app = build_application(settings_for(server, tmp_path / "quiz.db"), tuning)
        async with AsyncExitStack() as life:
            await life.enter_async_context(running(app, poll_timeout=1.0))
            yield Harness(server, app, clock, tmp_path / "quiz.db", life.aclose)


async def test_an_answer_behind_a_members_queued_commands_is_acknowledged_at_once(
    real_limits_bot: Harness,
) -> None:
    bot = real_limits_bot
    server = bot.server
    members = {ADMIN: "administrator", ALICE: "member", BOB: "member"}
    group = int(server.add_chat("group", title="Study group", members=members)["id"])
    question = await bot.command(group, "quiz", "latency", from_user=ADMIN)

    mark = server.mark()
    for _ in range(40):
        server.inject_command(group, "quiz", from_user=ALICE)
    for member in OTHERS:  # each allowed once: 20 questions waiting on the group's budget
        server.inject_command(group, "quiz", from_user=member)
    answer = server.inject_reply(group, message_id_of(question), GOOD_ANSWER, from_user=BOB)

    def bobs_reaction(call: object) -> bool:
        return (
            getattr(call, "params", {}).get("message_id") == answer.payload["message"]["message_id"]
        )

    reaction = await bot.call(
        "setMessageReaction",
        group,
        since=mark,
        predicate=bobs_reaction,
        timeout=ACKNOWLEDGED_WITHIN + 5,
    )
    latency = reaction.time - answer.available_at
    last_sleepy = await bot.call(
        "setMessageReaction",
        group,
        since=mark,
        predicate=lambda call: call.params["reaction"][0]["emoji"] == "😴",
        count=39,
        timeout=ACKNOWLEDGED_WITHIN,
    )
    turned_away_in = last_sleepy.time - answer.available_at
    attempts = bot.attempts()

    assert latency < ACKNOWLEDGED_WITHIN, f"acknowledged after {latency:.1f} s"
    assert [row["user_external_id"] for row in attempts] == [BOB]
    assert attempts[0]["score"] == 1.0
    assert turned_away_in < ACKNOWLEDGED_WITHIN  # Alice's 39 repeats: without a message
    assert len(bot.sends_since(mark, group)) <= 20  # what the group's minute allows
    assert server.violations.total == 0
