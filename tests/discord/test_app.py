"""Wiring: the bot opens the engine at start, syncs its commands, closes on shutdown;
`quizbot run --platform discord` explains itself without a token."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest

from bot.discord import app
from bot.discord.app import QuizBot, run_discord
from bot.discord.invite import PERMISSIONS, TOKEN_HELP
from tests.discord import payloads as p
from tests.discord.conftest import settings_for
from tests.discord.helpers import FakeDiscord, FakeSession, Harness


def test_permissions_integer_is_the_five_documented_permissions() -> None:
    bits = (
        p.VIEW_CHANNEL
        | p.SEND_MESSAGES
        | p.EMBED_LINKS
        | p.READ_MESSAGE_HISTORY
        | p.USE_APPLICATION_COMMANDS
    )
    assert PERMISSIONS.value == bits == 2147568640


def test_intents_are_the_defaults_without_message_content(tmp_path: Path) -> None:
    intents = QuizBot(settings_for(tmp_path)).intents

    assert not intents.message_content
    assert not intents.members and not intents.presences
    assert intents.guilds


async def test_start_opens_engine_and_syncs_commands_then_close_closes(tmp_path: Path) -> None:
    api = FakeDiscord()
    bot = QuizBot(settings_for(tmp_path))
    await Harness(bot, api).connect()
    assert bot.services is not None
    assert bot.scheduler is not None and bot.scheduler.jobs.running
    scheduler = bot.scheduler

    commands = {command["name"]: command for command in api.commands}
    assert set(commands) == {
        *("quiz", "streak", "stats", "leaderboard", "topics", "remind", "reveal", "daily"),
        *("export", "forgetme", "decks", "deck", "skip"),
        *("subscribe", "unsubscribe", "time", "timezone", "lang"),
    }
    assert [option["name"] for option in commands["lang"]["options"]] == ["quiz"]
    assert [option["name"] for option in commands["quiz"]["options"]] == ["topic", "language"]
    assert [option["name"] for option in commands["deck"]["options"]] == [
        "upload",
        "use",
        "all",
        "remove",
    ]
    assert commands["deck"]["options"][0]["options"][0]["type"] == 11  # an attachment
    assert commands["quiz"]["contexts"] == [0, 1]
    assert commands["quiz"]["integration_types"] == [0]
    assert commands["daily"]["contexts"] == [0]
    assert commands["reveal"]["contexts"] == [0]
    assert commands["forgetme"]["contexts"] == [0, 1]
    for name in ("subscribe", "unsubscribe", "time", "timezone"):
        assert commands[name]["contexts"] == [1], name  # one's own daily question: DMs
    assert int(commands["daily"]["default_member_permissions"]) == p.MANAGE_GUILD
    assert int(commands["reveal"]["default_member_permissions"]) == p.MANAGE_GUILD
    assert commands["quiz"]["default_member_permissions"] is None
    assert [option["name"] for option in commands["daily"]["options"]] == ["on", "off", "status"]
    timezone = commands["daily"]["options"][0]["options"][2]
    assert (timezone["name"], timezone["autocomplete"]) == ("timezone", True)
    assert [c["value"] for c in commands["leaderboard"]["options"][0]["choices"]] == [
        "week",
        "all",
    ]

    engine = bot.services.engine
    await bot.close()
    assert bot.services is None and bot.scheduler is None
    assert not scheduler.jobs.running
    assert engine.store is not None and (tmp_path / "quizbot.db").exists()


def _env_without_token(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "QUIZBOT_DB": str(tmp_path / "q.db"), "PYTHONIOENCODING": "utf-8"}
    env.pop("DISCORD_BOT_TOKEN", None)
    return env


def test_no_token_exits_2_with_setup_help(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--platform", "discord"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=_env_without_token(tmp_path),
        timeout=60,
        check=False,
    )

    assert run.returncode == 2
    assert run.stderr == TOKEN_HELP
    assert "New Application" in run.stderr and "Reset Token" in run.stderr
    assert "scope=bot+applications.commands&permissions=2147568640" in run.stderr
    assert "quizbot console" in run.stderr
    assert run.stdout == ""
    assert not (tmp_path / "q.db").exists()


def test_rejected_token_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    api = FakeDiscord()
    monkeypatch.setattr(aiohttp, "ClientSession", lambda **_: FakeSession(api))
    monkeypatch.setattr(aiohttp, "TCPConnector", lambda **_: None)
    monkeypatch.setattr(app, "configure_logging", lambda *_: None)
    settings = replace(settings_for(tmp_path), discord_token="wrong")

    assert run_discord(settings) == 2
    assert "Discord rejected DISCORD_BOT_TOKEN" in capsys.readouterr().err
    assert api.calls[0].headers["Authorization"] == "Bot wrong"
