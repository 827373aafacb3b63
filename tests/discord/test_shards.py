"""Discord shards split across processes: `--shard-ids` and `--shard-count` checked with
clear errors, handed to discord.py's AutoShardedClient, and two shard processes on one
PostgreSQL database push a channel's daily question once (the fake Discord below
discord.py's HTTP client, real engines and stores, schedulers driven by the test)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import discord
import pytest

from bot.config import ConfigError
from bot.decks.catalog import Catalog
from bot.discord import app, discord_bot, parse_shards
from bot.discord.shards import Shards
from bot.engine.quiz import Engine
from bot.store.pgdatabase import PostgresStore
from scheduler.service import QuizScheduler
from scheduler.settings import SchedulerSettings
from tests.discord import payloads as p
from tests.discord.conftest import UNLIMITED, settings_for
from tests.discord.helpers import Clock, FakeDiscord, Harness
from tests.test_cli_content import clean_env


def test_shard_options_become_the_shards_this_process_runs() -> None:
    assert parse_shards(None, None) == Shards()
    assert parse_shards("1, 0", "4") == Shards((0, 1), 4)
    assert parse_shards(None, "2") == Shards(None, 2)  # all of 2 shards, here
    assert parse_shards("0,1", "4").shared and not parse_shards("0,1", "2").shared


@pytest.mark.parametrize(
    ("ids", "count", "words"),
    [
        ("0,1", None, "--shard-ids needs --shard-count"),
        ("0,4", "4", "'4' is not a shard of 4; give numbers from 0 to 3"),
        ("0,,1", "4", "'' is not a shard of 4"),
        ("-1", "4", "'-1' is not a shard of 4"),
        ("1,1", "4", "shard 1 is given twice"),
        ("0", "0", "--shard-count: '0' is not a number of shards"),
        ("0", "four", "--shard-count: 'four' is not a number of shards"),
        ("٣", "4", "'٣' is not a shard of 4"),
    ],
)
def test_bad_shard_options_are_refused_naming_the_option(
    ids: str | None, count: str | None, words: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        parse_shards(ids, count)
    assert words in str(refused.value)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--platform", "discord", "--shard-ids", "0,5", "--shard-count", "4"], "not a shard"),
        (["--platform", "discord", "--shard-ids", "0"], "needs --shard-count"),
        (["--shard-ids", "0", "--shard-count", "2"], "for Discord only"),
    ],
)
def test_quizbot_run_refuses_bad_shard_options_in_one_line(
    tmp_path: Path, args: list[str], words: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run", *args],
        env=clean_env(tmp_path, DISCORD_BOT_TOKEN="test-bot-token"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("quizbot: ") and words in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_the_client_runs_the_chosen_shards_and_shares_the_daily_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[app.QuizBot] = []

    async def serve(bot: app.QuizBot, token: str) -> None:  # instead of the gateway
        started.append(bot)

    monkeypatch.setattr(app, "_serve", serve)
    monkeypatch.setattr(app, "configure_logging", lambda *_: None)
    assert app.run_discord(settings_for(tmp_path), parse_shards("0,1", "4")) == 0
    assert app.run_discord(settings_for(tmp_path), parse_shards(None, None)) == 0

    sharded, plain = started
    assert isinstance(sharded, discord.AutoShardedClient)
    assert (sharded.shard_ids, sharded.shard_count) == ([0, 1], 4)
    assert sharded._scheduler_settings.claim_lease > timedelta(0)  # others share the work
    assert not isinstance(plain, discord.AutoShardedClient)
    assert plain._scheduler_settings.claim_lease == timedelta(0)


async def shard_process(
    shard: int, url: str, tmp_path: Path, api: FakeDiscord, clock: Clock, catalog: Catalog
) -> tuple[Harness, QuizScheduler, PostgresStore]:
    """One process running shard `shard` of 2, on the database at `url`."""
    store = await PostgresStore.open(url)
    engine = Engine(store, catalog)  # type: ignore[arg-type]
    bot = discord_bot(
        settings_for(tmp_path),
        Shards((shard,), 2),
        engine=engine,
        clock=clock,
        sync_commands=False,
        with_scheduler=False,
    )
    harness = Harness(bot, api)
    await harness.connect()
    settings = SchedulerSettings(limits=UNLIMITED).for_replicas()
    return harness, QuizScheduler(engine, bot.sender, settings=settings, clock=clock), store


@pytest.fixture
async def two_shards(
    postgres_url: str, tmp_path: Path, now: datetime, catalog: Catalog
) -> AsyncIterator[tuple[FakeDiscord, Clock, list[tuple[Harness, QuizScheduler]]]]:
    api, clock = FakeDiscord(), Clock(now)
    opened = []
    try:
        for shard in (0, 1):
            opened.append(await shard_process(shard, postgres_url, tmp_path, api, clock, catalog))
        yield api, clock, [(harness, scheduler) for harness, scheduler, _ in opened]
    finally:
        for harness, scheduler, store in opened:
            await scheduler.shutdown()
            await harness.bot.close()
            await store.close()


async def test_two_shard_processes_on_one_database_push_a_channels_daily_question_once(
    two_shards: tuple[FakeDiscord, Clock, list[tuple[Harness, QuizScheduler]]],
) -> None:
    api, clock, shards = two_shards
    (first, _), _ = shards
    clock.now = clock.now.replace(hour=7)
    subscribed = await first.command(
        "daily",
        p.subcommand(
            "on", [p.string_option("time", "09:00"), p.string_option("timezone", "Europe/Berlin")]
        ),
        permissions=p.ADMIN,
    )
    assert "every day at 09:00 (Europe/Berlin)" in subscribed.reply["content"]
    for _, scheduler in shards:
        await scheduler.resync()
    clock.now = clock.now.replace(hour=8)  # 09:00 in Berlin

    for _ in range(2):  # both processes reach the slot together, then look again
        await asyncio.gather(*(scheduler.run_due(clock.now) for _, scheduler in shards))
        await asyncio.gather(*(scheduler.tick(clock.now) for _, scheduler in shards))

    posted = [m for m in api.channel_messages(p.QUIZ_CHANNEL_ID) if not m["flags"]]
    assert len(posted) == 1
    assert posted[0]["embeds"][0]["title"].startswith("📅 Daily question")
