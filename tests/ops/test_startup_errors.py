"""Every first-run mistake ends the real CLI with one clear line, the right exit code, no
traceback and no secret: a rejected token, a wrong or unreachable Bot API, a database that
cannot be used, an unwritable backup destination, a content path that does not exist.

Each runs `python -m bot` in a subprocess; where the Bot API is involved, against the
project's test Bot API server on 127.0.0.1.
"""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from tests.botapi import BotApiServer
from tests.helpers import clean_environ
from tests.telegram.conftest import BOT_USERNAME, MINI_DECK, TOKEN

ROOT = Path(__file__).resolve().parents[2]
WRONG_TOKEN = "7000000009:AAWrongTokenNobodyRegistered_xyz"
SECRET = "webhook-secret-that-must-stay-hidden"
HIDDEN = (TOKEN, WRONG_TOKEN, SECRET, "AAFakeToken", "AAWrongToken")


@pytest.fixture(scope="module")
def server() -> Iterator[BotApiServer]:
    with BotApiServer(strict_tokens=True).in_thread() as running:
        running.add_bot(TOKEN, username=BOT_USERNAME)
        yield running


def closed_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def quizbot(
    tmp_path: Path, *args: str, timeout: float = 60, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run the CLI in `tmp_path` with a clean quizbot environment plus `env`."""
    base = clean_environ()
    base |= {"QUIZBOT_DB": str(tmp_path / "quiz.db"), "QUIZBOT_CONTENT": str(MINI_DECK)}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=base | env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )


def one_clear_line(run: subprocess.CompletedProcess[str], code: int, *expected: str) -> str:
    """The run failed with `code` and said so in one `quizbot: ...` line containing each of
    `expected`; nothing secret and no traceback anywhere. Returns that line."""
    output = run.stdout + run.stderr
    assert run.returncode == code, output
    assert "Traceback" not in output, output
    assert "Unclosed" not in output, output
    for secret in HIDDEN:
        assert secret not in output, output
    lines = [line for line in run.stderr.splitlines() if line.startswith("quizbot")]
    assert len(lines) == 1, output
    for text in expected:
        assert text in lines[0], lines[0]
    return lines[0]


def telegram(server: BotApiServer, **env: str) -> dict[str, str]:
    return {"TELEGRAM_BOT_TOKEN": TOKEN, "QUIZBOT_TELEGRAM_API_URL": server.url} | env


# -- the Bot API --------------------------------------------------------------------------


def test_a_rejected_token_is_a_setting_and_never_printed(
    server: BotApiServer, tmp_path: Path
) -> None:
    run = quizbot(tmp_path, "run", **telegram(server, TELEGRAM_BOT_TOKEN=WRONG_TOKEN))

    one_clear_line(run, 2, "TELEGRAM_BOT_TOKEN was rejected", "@BotFather")
    assert run.stdout == ""


def test_a_rejected_token_in_webhook_mode_is_the_same_line(
    server: BotApiServer, tmp_path: Path
) -> None:
    run = quizbot(
        tmp_path,
        "run",
        "--webhook-url",
        "https://bot.example.com/telegram",
        "--listen",
        f"127.0.0.1:{closed_port()}",
        **telegram(server, TELEGRAM_BOT_TOKEN=WRONG_TOKEN, QUIZBOT_WEBHOOK_SECRET=SECRET),
    )

    one_clear_line(run, 2, "TELEGRAM_BOT_TOKEN was rejected")


def test_a_wrong_api_url_names_the_setting(server: BotApiServer, tmp_path: Path) -> None:
    wrong = f"{server.url}/telegram"
    run = quizbot(tmp_path, "run", **telegram(server, QUIZBOT_TELEGRAM_API_URL=wrong))

    one_clear_line(run, 2, wrong, "404 Not Found", "QUIZBOT_TELEGRAM_API_URL")


def test_an_unreachable_api_fails_fast_and_closes_its_connections(tmp_path: Path) -> None:
    api = f"http://127.0.0.1:{closed_port()}"
    started = time.monotonic()
    run = quizbot(tmp_path, "run", TELEGRAM_BOT_TOKEN=TOKEN, QUIZBOT_TELEGRAM_API_URL=api)

    one_clear_line(run, 1, f"cannot reach the Telegram Bot API at {api}")
    assert time.monotonic() - started < 30  # no retry loop (it was 8 s of retries before)
    assert not (tmp_path / "quiz.db").exists()  # nothing was opened


# -- the database --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "code", "expected"),
    [
        ("missing/quiz.db", 2, "the folder"),
        (".", 2, "is a directory"),
        ("/proc/quiz.db", 2, "cannot create or write the database there"),
    ],
    ids=["missing-folder", "directory", "read-only-place"],
)
def test_a_database_path_that_cannot_be_used_names_quizbot_db(
    server: BotApiServer, tmp_path: Path, where: str, code: int, expected: str
) -> None:
    db = tmp_path / where if not where.startswith("/") else Path(where)
    run = quizbot(tmp_path, "run", **telegram(server, QUIZBOT_DB=str(db)))

    line = one_clear_line(run, code, "QUIZBOT_DB=", expected)
    assert "point QUIZBOT_DB at" in line or "create it" in line


def test_a_file_that_is_not_a_database_is_refused_without_hanging(
    server: BotApiServer, tmp_path: Path
) -> None:
    garbage = tmp_path / "quiz.db"
    garbage.write_text("garbage\n")

    run = quizbot(tmp_path, "run", timeout=60, **telegram(server))

    one_clear_line(run, 1, f"QUIZBOT_DB={garbage} is not a quizbot database", "backup")
    assert garbage.read_text() == "garbage\n"  # left as it was


def test_the_console_says_the_same_about_a_corrupt_database(tmp_path: Path) -> None:
    (tmp_path / "quiz.db").write_text("garbage\n")

    run = quizbot(tmp_path, "console", timeout=60)

    one_clear_line(run, 1, "is not a quizbot database")


def test_a_locked_database_names_the_lock(server: BotApiServer, tmp_path: Path) -> None:
    db = tmp_path / "quiz.db"
    with closing(sqlite3.connect(db, isolation_level=None)) as holder:
        holder.execute("CREATE TABLE held (x)")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("INSERT INTO held VALUES (1)")
        run = quizbot(tmp_path, "run", **telegram(server))
        holder.execute("ROLLBACK")

    one_clear_line(run, 1, f"QUIZBOT_DB={db} is locked", "another quizbot")


# -- backups ---------------------------------------------------------------------------------


@pytest.fixture
def live_db(tmp_path: Path) -> Path:
    run = quizbot(tmp_path, "console")  # creates and migrates it; no input: ends at once
    assert run.returncode == 0, run.stderr
    return tmp_path / "quiz.db"


@pytest.mark.parametrize("destination", ["/proc/b.db", "/sys/b.db"])
def test_a_backup_to_a_place_that_refuses_it_names_the_destination(
    live_db: Path, tmp_path: Path, destination: str
) -> None:
    run = quizbot(tmp_path, "backup", destination)

    line = one_clear_line(run, 1, destination, "cannot write the backup there")
    assert str(live_db) not in line


# -- decks -------------------------------------------------------------------------------------


def test_a_content_path_that_does_not_exist_is_a_setting(tmp_path: Path) -> None:
    run = quizbot(tmp_path, "console", QUIZBOT_CONTENT="/nonexistent")

    one_clear_line(run, 2, "QUIZBOT_CONTENT: /nonexistent does not exist")


# -- Discord -----------------------------------------------------------------------------------


def test_discord_unreachable_is_one_line_without_the_token(tmp_path: Path) -> None:
    # The one change to the real CLI: discord.py's API root, pointed at a closed local port
    # (there is no setting for it, and no network here).
    launcher = (
        "import sys, discord.http\n"
        f"discord.http.Route.BASE = 'http://127.0.0.1:{closed_port()}/api/v10'\n"
        "from bot.cli import main\n"
        "sys.exit(main(['run', '--platform', 'discord']))\n"
    )
    token = "MTIzNDU2Nzg5.discord-token-that-must-stay-hidden"
    env = clean_environ()
    run = subprocess.run(
        [sys.executable, "-c", launcher],
        cwd=tmp_path,
        env=env
        | {
            "DISCORD_BOT_TOKEN": token,
            "QUIZBOT_DB": str(tmp_path / "quiz.db"),
            "QUIZBOT_CONTENT": str(MINI_DECK),
            "PYTHONPATH": str(ROOT),
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "Traceback" not in output and token not in output
    assert "quizbot: cannot reach Discord" in run.stderr
