"""`quizbot run --webhook-url ... --listen ...` as a real process, and `quizbot health`
(the container's HEALTHCHECK) asking it over loopback."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.botapi import BotApiServer
from tests.helpers import free_port
from tests.ops.telegram_harness import SECRET_HEADER
from tests.telegram.conftest import ALICE, BOT_USERNAME, MINI_DECK, TOKEN

ROOT = Path(__file__).resolve().parents[2]
SECRET = "from-the-environment_42"


@pytest.fixture
def threaded_server() -> Iterator[BotApiServer]:
    with BotApiServer().in_thread() as server:
        server.add_bot(TOKEN, username=BOT_USERNAME)
        yield server


def wait_for_port(port: int, timeout: float = 15.0) -> None:
    """PTB registers the webhook first, then starts serving: wait for the server."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def post(url: str, update: dict[str, object], secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    request = urllib.request.Request(url, json.dumps(update).encode(), headers, method="POST")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_webhook_process_serves_updates_and_health(
    threaded_server: BotApiServer, tmp_path: Path
) -> None:
    server = threaded_server
    port, health_port = free_port(), free_port()
    url = f"http://127.0.0.1:{port}/hook"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "QUIZBOT_TELEGRAM_API_URL": server.url,
        "QUIZBOT_DB": str(tmp_path / "quiz.db"),
        "QUIZBOT_CONTENT": str(MINI_DECK),
        "QUIZBOT_WEBHOOK_SECRET": SECRET,
        "QUIZBOT_HEALTH_PORT": str(health_port),
        "QUIZBOT_LOG_LEVEL": "DEBUG",
    }
    env.pop("QUIZBOT_CONFIG", None)
    log_path = tmp_path / "quizbot.log"
    command = [sys.executable, "-m", "bot", "run", "--webhook-url", url]
    command += ["--listen", f"127.0.0.1:{port}"]
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=log, stderr=log)
        try:
            registered = server.wait_for_call_blocking("setWebhook", timeout=30)
            wait_for_port(port)
            update = server.inject_command(ALICE, "start").payload

            assert post(url, update, None) == 403
            assert post(url, update, SECRET) == 200
            server.wait_for_call_blocking("sendMessage", chat_id=ALICE, timeout=10)
            health = subprocess.run(
                [sys.executable, "-m", "bot", "health"],
                cwd=tmp_path,
                env=env,
                capture_output=True,
                text=True,
                timeout=30,
            )

            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
    output = log_path.read_text()

    assert process.returncode == 0, output[-2000:]
    assert registered.params["url"] == url and registered.params["secret_token"] == SECRET
    assert health.returncode == 0, health.stderr
    assert json.loads(health.stdout)["mode"] == "webhook"
    welcomes = [
        call
        for call in server.calls("sendMessage", ALICE)
        if call.ok and "Welcome" in call.params["text"]
    ]
    assert len(welcomes) == 1  # /start handled once: the unsigned post was refused
    assert TOKEN not in output and SECRET not in output
