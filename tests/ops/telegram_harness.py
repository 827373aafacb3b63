"""Running the real Telegram bot (PTB) against the test Bot API server, with the ops
settings a test chooses: polling (`polling_bot`) or a webhook on loopback (`webhook_bot`)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import replace
from pathlib import Path

import aiohttp

from bot.ops.settings import Listen, OpsSettings
from bot.telegram.app import QuizApplication, build_application, running
from bot.telegram.webhook import Webhook, running_webhook
from tests.botapi import BotApiServer, RateLimits
from tests.helpers import free_port
from tests.telegram.conftest import (
    ADMIN,
    ALICE,
    BOB,
    BOT_USERNAME,
    SPEEDUP,
    TOKEN,
    Clock,
    Harness,
    fast_tuning,
    in_hand,
    settings_for,
)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@asynccontextmanager
async def api_server() -> AsyncIterator[BotApiServer]:
    async with BotApiServer(rate_limits=RateLimits(speedup=SPEEDUP)) as api:
        api.add_bot(TOKEN, username=BOT_USERNAME, first_name="Quiz")
        for user_id, name in ((ADMIN, "Ada"), (ALICE, "Alice"), (BOB, "Bob")):
            api.add_user(user_id, name)
        yield api


def build(
    server: BotApiServer, tmp_path: Path, clock: Clock, ops: OpsSettings, *, scheduler: bool
) -> QuizApplication:
    tuning = replace(fast_tuning(clock, with_scheduler=scheduler), ops=ops)
    return build_application(settings_for(server, tmp_path / "quiz.db"), tuning)


@asynccontextmanager
async def polling_bot(
    server: BotApiServer, tmp_path: Path, ops: OpsSettings, *, scheduler: bool = True
) -> AsyncIterator[Harness]:
    clock = Clock()
    app = build(server, tmp_path, clock, ops, scheduler=scheduler)
    async with AsyncExitStack() as life:
        await life.enter_async_context(running(app, poll_timeout=1.0))
        yield Harness(server, app, clock, tmp_path / "quiz.db", life.aclose)


@asynccontextmanager
async def webhook_bot(
    server: BotApiServer, tmp_path: Path, secret: str, ops: OpsSettings | None = None
) -> AsyncIterator[tuple[Harness, Webhook]]:
    port = free_port()
    webhook = Webhook(f"http://127.0.0.1:{port}/telegram/hook", Listen("127.0.0.1", port), secret)
    clock = Clock()
    app = build(server, tmp_path, clock, ops or OpsSettings(), scheduler=False)
    async with AsyncExitStack() as life:
        await life.enter_async_context(running_webhook(app, webhook))
        yield Harness(server, app, clock, tmp_path / "quiz.db", life.aclose), webhook


async def post_update(webhook: Webhook, update: dict[str, object], secret: str | None) -> int:
    """POST an update to the bot's webhook the way Telegram does; the HTTP status."""
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with (
        aiohttp.ClientSession() as session,
        session.post(webhook.url, json=update, headers=headers) as response,
    ):
        return response.status


async def handled(app: QuizApplication, timeout: float = 5.0) -> None:
    """Wait until every update the bot received is handled."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    quiet = 0
    while quiet < 3:
        await asyncio.sleep(0.02)
        busy = in_hand(app)
        quiet = 0 if busy else quiet + 1
        if loop.time() > deadline:
            raise TimeoutError("the bot did not become idle")


async def http_get(port: int, path: str) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}{path}") as response,
    ):
        return response.status, await response.text()
