"""`quizbot backup DEST`: a consistent copy of the live database, and restoring it."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.store import Store
from bot.store.backup import BackupError, backup_database

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


async def _store_with_users(path: Path, names: list[str]) -> Store:
    store = await Store.open(path)
    async with store.write() as tx:
        for number, name in enumerate(names, start=1):
            await tx.users.upsert("telegram", number, name, NOW)
    return store


def _names(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [row[0] for row in conn.execute("SELECT display_name FROM users ORDER BY id")]


async def test_backup_copies_the_live_database_while_it_is_open(tmp_path: Path) -> None:
    store = await _store_with_users(tmp_path / "live.db", ["Ann", "Bo"])
    try:
        copied = await backup_database(tmp_path / "live.db", tmp_path / "copy.db")
    finally:
        await store.close()

    assert copied == tmp_path / "copy.db"
    assert _names(copied) == ["Ann", "Bo"]


async def test_backup_into_a_folder_names_the_file_after_the_database(tmp_path: Path) -> None:
    store = await _store_with_users(tmp_path / "quiz.db", ["Ann"])
    await store.close()
    (tmp_path / "backups").mkdir()

    copied = await backup_database(tmp_path / "quiz.db", tmp_path / "backups")

    assert copied == tmp_path / "backups" / "quiz-backup.db"


async def test_restoring_a_backup_brings_back_everything_as_it_was(tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    store = await _store_with_users(live, ["Ann", "Bo"])
    await backup_database(live, tmp_path / "copy.db")
    async with store.write() as tx:
        await tx.users.upsert("telegram", 3, "Cy", NOW)
    await store.close()
    assert _names(live) == ["Ann", "Bo", "Cy"]

    # The documented restore: stop the bot, put the backup in place of the database.
    for suffix in ("-wal", "-shm"):
        Path(f"{live}{suffix}").unlink(missing_ok=True)
    (tmp_path / "copy.db").replace(live)
    reopened = await Store.open(live)
    await reopened.close()

    assert _names(live) == ["Ann", "Bo"]


async def test_backup_of_a_missing_database_names_the_file(tmp_path: Path) -> None:
    try:
        await backup_database(tmp_path / "nope.db", tmp_path / "copy.db")
    except BackupError as exc:
        assert str(exc).startswith(f"{tmp_path / 'nope.db'}: no database there")
    else:
        raise AssertionError("a missing database was backed up")
    assert not (tmp_path / "copy.db").exists()


async def test_backup_command_exits_0_and_reports_the_copy(tmp_path: Path) -> None:
    store = await _store_with_users(tmp_path / "live.db", ["Ann"])
    try:
        run = subprocess.run(
            [sys.executable, "-m", "bot", "backup", str(tmp_path / "copy.db")],
            env={**os.environ, "QUIZBOT_DB": str(tmp_path / "live.db")},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        await store.close()

    assert run.returncode == 0, run.stderr
    assert f"to {tmp_path / 'copy.db'}" in run.stdout
    assert _names(tmp_path / "copy.db") == ["Ann"]


def test_backup_command_into_a_missing_folder_exits_1_with_the_reason(tmp_path: Path) -> None:
    sqlite3.connect(tmp_path / "live.db").close()
    run = subprocess.run(
        [sys.executable, "-m", "bot", "backup", str(tmp_path / "no" / "copy.db")],
        env={**os.environ, "QUIZBOT_DB": str(tmp_path / "live.db")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert run.returncode == 1
    assert "does not exist" in run.stderr
