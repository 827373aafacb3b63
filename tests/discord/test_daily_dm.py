"""The daily question by DM: /subscribe in a DM, the shared scheduler pushes it there once a
day (across a restart), a DM Discord refuses is paused like a blocked Telegram chat."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from bot.engine.quiz import Engine
from scheduler.service import QuizScheduler
from scheduler.settings import SchedulerSettings
from tests.discord import payloads as p
from tests.discord.conftest import UNLIMITED
from tests.discord.helpers import Clock, Failure, Harness, buttons

DMS_CLOSED = Failure(403, 50007, "Cannot send messages to this user")


def dailies(harness: Harness) -> list[dict[str, Any]]:
    """The daily questions the DM got."""
    return [
        m
        for m in harness.api.channel_messages(p.DM_CHANNEL_ID)
        if m["embeds"] and m["embeds"][0]["title"].startswith("📅 Daily question")
    ]


def dm_chat(db_path: Path) -> tuple[Any, ...]:
    with sqlite3.connect(db_path) as db:
        return db.execute(
            "SELECT kind, subscribed, active, timezone, push_time FROM chats"
            " WHERE platform = 'discord' AND external_id = ?",
            (p.DM_CHANNEL_ID,),
        ).fetchone()


async def subscribe_in_shanghai(harness: Harness, clock: Clock) -> None:
    clock.now = clock.now.replace(hour=0)  # 08:00 in Shanghai
    subscribed = await harness.dm_command("subscribe")
    zoned = await harness.dm_command("timezone", p.string_option("timezone", "Shanghai"))
    assert "every day at **09:00** UTC" in subscribed.reply["content"]
    assert zoned.reply["content"] == (
        "🗓 You get the daily question here every day at **09:00** Asia/Shanghai"
        " (it is 08:00 there now)."
    )


async def test_a_subscribed_dm_gets_the_daily_question_at_its_local_time(
    harness: Harness, clock: Clock, db_path: Path, scheduler: QuizScheduler
) -> None:
    await subscribe_in_shanghai(harness, clock)
    await scheduler.resync()
    clock.now = clock.now.replace(hour=1)  # 09:00 in Shanghai

    await scheduler.run_due(clock.now)

    (question,) = dailies(harness)
    assert question["embeds"][0]["description"] == (
        "Why do production teams report latency as percentiles?"
    )
    assert [b["label"] for b in buttons(question)] == ["Answer", "Hint", "I don't know"]
    assert dm_chat(db_path) == ("private", 1, 1, "Asia/Shanghai", "09:00")
    answered = await harness.answer(question, "outliers hide in the mean; p99", who=p.BOB)
    assert answered.reply["embeds"][0]["title"] == "🎯 2/2 key points covered."
    assert "+15 pts" in answered.reply["embeds"][0]["description"]  # the daily bonus


async def test_the_daily_dm_comes_once_a_day_across_a_restart(
    harness: Harness, engine: Engine, clock: Clock, scheduler: QuizScheduler
) -> None:
    await subscribe_in_shanghai(harness, clock)
    await scheduler.resync()
    clock.now = clock.now.replace(hour=1)
    await scheduler.run_due(clock.now)

    clock.now = clock.now.replace(hour=2)  # a restart an hour later catches up nothing
    restarted = QuizScheduler(
        engine, harness.bot.sender, settings=SchedulerSettings(limits=UNLIMITED), clock=clock
    )
    await restarted.resync(at_start=True)
    await restarted.run_due(clock.now)
    await scheduler.run_due(clock.now)

    assert len(dailies(harness)) == 1


async def test_a_dm_discord_refuses_is_paused_until_subscribe(
    harness: Harness, clock: Clock, db_path: Path, scheduler: QuizScheduler
) -> None:
    await subscribe_in_shanghai(harness, clock)
    await scheduler.resync()
    harness.api.fail(p.DM_CHANNEL_ID, DMS_CLOSED)
    clock.now = clock.now.replace(hour=1)

    await scheduler.run_due(clock.now)

    assert dm_chat(db_path)[1:3] == (1, 0)  # still subscribed, but inactive
    with sqlite3.connect(db_path) as db:
        assert db.execute("SELECT status FROM deliveries").fetchall() == [("failed",)]
    del harness.api.failures[p.DM_CHANNEL_ID]
    clock.advance(days=1)
    await scheduler.resync()
    await scheduler.run_due(clock.now)
    assert dailies(harness) == []  # paused: nothing tried the next day

    resumed = await harness.dm_command("subscribe")
    assert "every day at **09:00** Asia/Shanghai" in resumed.reply["content"]
    assert dm_chat(db_path)[1:3] == (1, 1)
    await scheduler.resync()
    clock.advance(days=1)
    await scheduler.run_due(clock.now)
    assert len(dailies(harness)) == 1


async def test_unsubscribe_stops_the_daily_dm(
    harness: Harness, clock: Clock, db_path: Path, scheduler: QuizScheduler
) -> None:
    await subscribe_in_shanghai(harness, clock)

    stopped = await harness.dm_command("unsubscribe")

    assert "no longer get the daily question" in stopped.reply["content"]
    await scheduler.resync()
    clock.now = clock.now.replace(hour=1)
    await scheduler.run_due(clock.now)
    assert dailies(harness) == []
    assert dm_chat(db_path)[1] == 0


async def test_time_moves_the_daily_dm(harness: Harness, clock: Clock, db_path: Path) -> None:
    await harness.dm_command("subscribe")

    moved = await harness.dm_command("time", p.string_option("time", "7:30"))
    bad = await harness.dm_command("time", p.string_option("time", "25:00"))

    assert "every day at **07:30** UTC" in moved.reply["content"]
    assert bad.ephemeral and "HH:MM" in bad.reply["content"]
    assert dm_chat(db_path)[4] == "07:30"


async def test_an_unknown_city_changes_nothing(harness: Harness, db_path: Path) -> None:
    await harness.dm_command("subscribe")

    refused = await harness.dm_command("timezone", p.string_option("timezone", "Atlantis"))

    assert refused.ephemeral
    assert "I know no timezone or city called 'Atlantis'" in refused.reply["content"]
    assert dm_chat(db_path)[3] == "UTC"


async def test_timezone_autocomplete_offers_cities(harness: Harness) -> None:
    data = p.command_data("timezone", [p.string_option("timezone", "San Fran", focused=True)])
    done = await harness.deliver(
        p.interaction(4, data, channel=p.dm_channel(p.BOB), who=p.BOB, in_guild=False)
    )

    (callback,) = done.callbacks
    assert callback["data"]["choices"][0] == {
        "name": "San Francisco — America/Los_Angeles",
        "value": "America/Los_Angeles",
    }


async def test_subscribe_from_a_server_points_to_the_dm(harness: Harness, db_path: Path) -> None:
    pointed = await harness.command("subscribe")

    assert pointed.ephemeral
    assert "send me `/subscribe` in a direct message" in pointed.reply["content"]
    assert dm_chat(db_path) is None
