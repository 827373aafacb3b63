"""The Discord bot serves the same /healthz and /metrics (over real HTTP on loopback)."""

from __future__ import annotations

import json
from pathlib import Path

import aiohttp

from bot.discord.app import QuizBot
from bot.ops.runtime import Ops
from bot.ops.settings import OpsSettings
from tests.discord.conftest import settings_for
from tests.discord.helpers import FakeDiscord, Harness


async def get(port: int, path: str) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}{path}") as response,
    ):
        return response.status, await response.text()


async def test_discord_bot_health_and_metrics(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    bot = QuizBot(
        settings, sync_commands=False, ops=Ops(OpsSettings(health_port=0), settings.db_path)
    )
    await Harness(bot, FakeDiscord()).connect()
    try:
        health = bot.ops.health
        assert health is not None
        await bot.on_socket_event_type("GUILD_CREATE")
        status, body = await get(health.port, "/healthz")
        metrics_status, metrics = await get(health.port, "/metrics")
    finally:
        await bot.close()

    report = json.loads(body)
    assert status == 200, body
    assert (report["platform"], report["mode"]) == ("discord", "gateway")
    assert report["scheduler"] == {"ok": True, "running": True}
    assert report["api"]["last_success"] is not None
    assert metrics_status == 200 and "quizbot_deliveries_total" in metrics
    assert bot.ops.health is None  # stopped with the bot


async def test_discord_bot_without_a_port_serves_nothing(tmp_path: Path) -> None:
    bot = QuizBot(settings_for(tmp_path), sync_commands=False, with_scheduler=False)
    await Harness(bot, FakeDiscord()).connect()
    try:
        assert bot.ops.health is None
    finally:
        await bot.close()
