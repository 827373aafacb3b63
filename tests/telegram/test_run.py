"""`quizbot run` as a real process: long polling, then a clean stop on SIGTERM."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import IO

import pytest

from bot.cli import main
from tests.botapi import BotApiServer, Fault
from tests.telegram.conftest import ALICE, BOT_USERNAME, MINI_DECK, TOKEN

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def threaded_server() -> Iterator[BotApiServer]:
    with BotApiServer().in_thread() as server:
        server.add_bot(TOKEN, username=BOT_USERNAME)
        yield server


def quizbot_run(server: BotApiServer, db_path: Path, log: IO[str]) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "QUIZBOT_TELEGRAM_API_URL": server.url,
        "QUIZBOT_DB": str(db_path),
        "QUIZBOT_CONTENT": str(MINI_DECK),
        "QUIZBOT_LOG_LEVEL": "DEBUG",
    }
    command = [sys.executable, "-m", "bot", "run"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log, text=True)


def wait_until(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        time.sleep(0.02)


def attempts_in(db_path: Path) -> int:
    with closing(sqlite3.connect(db_path)) as conn:
        try:
            return int(conn.execute("SELECT count(*) FROM attempts").fetchone()[0])
        except sqlite3.OperationalError:  # not created yet
            return 0


def test_sigterm_finishes_work_in_hand_and_closes_the_database(
    threaded_server: BotApiServer, tmp_path: Path
) -> None:
    server = threaded_server
    db_path, log_path = tmp_path / "quiz.db", tmp_path / "quizbot.log"
    with log_path.open("w") as log:
        process = quizbot_run(server, db_path, log)
        try:
            server.wait_for_call_blocking("setMyCommands", timeout=30)
            server.inject_command(ALICE, "quiz", "latency")
            server.wait_for_call_blocking("sendMessage", chat_id=ALICE, timeout=10)

            mark = server.mark()
            server.add_fault(Fault.slow(1.0), method="sendMessage", times=1)
            server.inject_message(ALICE, "The mean hides outliers; p99 is the tail.")
            wait_until(lambda: attempts_in(db_path) == 1)  # graded; feedback on its way
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
    output = log_path.read_text()

    assert process.returncode == 0, output[-2000:]
    feedback = server.calls("sendMessage", ALICE, since=mark)
    assert [call.ok for call in feedback] == [True]
    assert server.pending_updates(TOKEN) == []  # the offset was confirmed
    assert not db_path.with_name("quiz.db-wal").exists()  # closed cleanly
    assert "quizbot stopped" in output
    assert TOKEN not in output


def test_run_without_a_token_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert main(["run"]) == 2
    assert "BotFather" in capsys.readouterr().err


def test_run_with_a_bad_deck_never_starts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deck = tmp_path / "bad.yaml"
    deck.write_text("deck: bad\ntitle: Bad\nquestions:\n  - id: q1\n    topic: t\n")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("QUIZBOT_TELEGRAM_API_URL", "http://127.0.0.1:9")  # never called
    monkeypatch.setenv("QUIZBOT_CONTENT", str(deck))
    monkeypatch.setenv("QUIZBOT_DB", str(tmp_path / "quiz.db"))

    assert main(["run"]) == 1
    assert "bad.yaml" in capsys.readouterr().err
    assert not (tmp_path / "quiz.db").exists()
