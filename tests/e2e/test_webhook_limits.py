"""`quizbot run --webhook-url` under hostile requests: huge bodies without the secret are
refused before they are read, so the process's memory stays flat; a huge body with the
secret is refused too, and the webhook keeps taking real updates."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest

from tests.botapi import BotApiServer
from tests.helpers import clean_environ, free_port
from tests.telegram.conftest import ALICE, MINI_DECK, TOKEN

SECRET = "webhook-limits-secret"
HEADER = "X-Telegram-Bot-Api-Secret-Token"
MB = 1 << 20
BODY_MB = 90
CONCURRENT = 10
FLAT_MB = 30
"""How much the process's peak memory may grow while the huge bodies come in."""


def memory_kb(pid: int, field: str) -> int:
    """VmRSS (now) or VmHWM (peak) of a process, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} for {pid}")


@pytest.fixture
def server() -> Iterator[BotApiServer]:
    with BotApiServer().in_thread() as api:
        api.add_bot(TOKEN, username="quiz_hook_bot")
        yield api


class Body:
    """A streamed body of `size` bytes, counting how much of it was actually sent."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.sent = 0

    async def chunks(self) -> AsyncIterator[bytes]:
        chunk = b"x" * MB
        while self.sent < self.size:
            self.sent += len(chunk)
            yield chunk


async def post(url: str, body: Body, headers: dict[str, str]) -> int | str:
    """The status, or the connection error's name if the server closed on us first."""
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                url, data=body.chunks(), headers=headers, timeout=aiohttp.ClientTimeout(30)
            ) as response,
        ):
            return response.status
    except aiohttp.ClientError as error:
        return type(error).__name__


def test_huge_bodies_are_refused_unread_and_memory_stays_flat(
    server: BotApiServer, tmp_path: Path
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    env = clean_environ()
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        QUIZBOT_TELEGRAM_API_URL=server.url,
        QUIZBOT_DB=str(tmp_path / "quiz.db"),
        QUIZBOT_CONTENT=str(MINI_DECK),
        QUIZBOT_WEBHOOK_SECRET=SECRET,
    )
    command = [sys.executable, "-m", "bot", "run", "--webhook-url", url]
    command += ["--listen", f"127.0.0.1:{port}"]
    log_path = tmp_path / "quizbot.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command, cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT, text=True
        )
        try:
            server.wait_for_call_blocking("setWebhook", timeout=30)
            before_kb = memory_kb(process.pid, "VmHWM")

            async def attack() -> tuple[list[int | str], list[Body], float]:
                bodies = [Body(BODY_MB * MB) for _ in range(CONCURRENT)]
                began = time.monotonic()
                statuses = await asyncio.gather(*(post(url, body, {}) for body in bodies))
                return list(statuses), bodies, time.monotonic() - began

            statuses, bodies, took = asyncio.run(attack())
            peak_kb = memory_kb(process.pid, "VmHWM")

            async def with_secret() -> tuple[int | str, int | str, int]:
                declared = await post(
                    url, Body(BODY_MB * MB), {HEADER: SECRET, "Content-Length": str(BODY_MB * MB)}
                )
                streamed = await post(url, Body(BODY_MB * MB), {HEADER: SECRET})
                update = server.inject_command(ALICE, "help").payload
                async with (
                    aiohttp.ClientSession() as session,
                    session.post(url, json=update, headers={HEADER: SECRET}) as response,
                ):
                    return declared, streamed, response.status

            declared, streamed, good = asyncio.run(with_secret())
            server.wait_for_call_blocking("sendMessage", chat_id=ALICE, timeout=10)
            final_peak_kb = memory_kb(process.pid, "VmHWM")
            process.send_signal(signal.SIGTERM)
            code = process.wait(timeout=15)
        finally:
            if process.poll() is None:
                process.kill()
    output = log_path.read_text()

    growth_mb = (peak_kb - before_kb) / 1024
    # Refused either way: a 403 for a client that reads it before the close, a reset for one
    # still sending (the server closes at once and leaves the body unread).
    assert all(status in (403, "ClientOSError", "ServerDisconnectedError") for status in statuses)
    # How much a client pushes into loopback socket buffers before the refusal reaches it
    # varies from run to run (up to 44 MB seen); memory and time below are the promise.
    assert max(body.sent for body in bodies) < BODY_MB * MB  # refused before the end
    assert growth_mb < FLAT_MB, f"peak memory grew {growth_mb:.0f} MiB"
    assert took < 10.0  # refused at once, not after 900 MB were read
    assert declared in (413, "ClientOSError", "ServerDisconnectedError")
    assert streamed in (413, "ClientOSError", "ServerDisconnectedError")
    assert good == 200
    assert (final_peak_kb - before_kb) / 1024 < FLAT_MB
    assert code == 0
    assert SECRET not in output and TOKEN not in output
