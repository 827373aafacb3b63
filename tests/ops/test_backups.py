"""The daily automatic backup: pure rotation and timing, and a real backup of a live database."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.ops.backups import (
    DailyBackup,
    backup_name,
    backup_time,
    backups_to_delete,
    newest_backup,
    next_backup,
)
from bot.store import Store

NOW = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
AT = time(3, 0)


def names(days: int, stem: str = "quizbot") -> list[str]:
    return [backup_name(stem, NOW - timedelta(days=day)) for day in range(days)]


def test_names_sort_by_time_and_parse_back() -> None:
    name = backup_name("quizbot", datetime(2025, 3, 3, 3, 0, 5, tzinfo=UTC))

    assert name == "quizbot-20250303T030005Z.db"
    assert backup_time(name, "quizbot") == datetime(2025, 3, 3, 3, 0, 5, tzinfo=UTC)
    assert backup_time("quizbot-backup.db", "quizbot") is None
    assert backup_time("other-20250303T030005Z.db", "quizbot") is None
    assert backup_time("quizbot-20251399T990000Z.db", "quizbot") is None


def test_rotation_keeps_the_newest_n() -> None:
    existing = names(10)

    doomed = backups_to_delete(existing, "quizbot", 7)

    assert doomed == list(reversed(existing[7:]))  # the three oldest, oldest first
    assert backups_to_delete(existing, "quizbot", 10) == []
    assert backups_to_delete(existing[:3], "quizbot", 7) == []


def test_rotation_leaves_other_files_alone() -> None:
    existing = [*names(3), "quizbot-backup.db", "notes.txt", "other-20200101T000000Z.db"]

    assert backups_to_delete(existing, "quizbot", 1) == list(reversed(names(3)[1:]))


def test_rotation_needs_one_to_keep() -> None:
    with pytest.raises(ValueError):
        backups_to_delete(names(2), "quizbot", 0)


def test_a_missing_backup_is_made_at_once() -> None:
    assert next_backup(NOW, AT, None) == NOW
    yesterday = datetime(2025, 3, 2, 3, 0, tzinfo=UTC)
    assert next_backup(NOW, AT, yesterday) == NOW  # today's 03:00 was missed


def test_after_todays_backup_the_next_is_tomorrow_at_the_set_time() -> None:
    today = datetime(2025, 3, 3, 3, 0, 2, tzinfo=UTC)
    assert next_backup(NOW, AT, today) == datetime(2025, 3, 4, 3, 0, tzinfo=UTC)
    early = datetime(2025, 3, 3, 2, 0, tzinfo=UTC)
    before_slot = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)
    assert next_backup(early, AT, before_slot) == datetime(2025, 3, 3, 3, 0, tzinfo=UTC)


def test_newest_backup() -> None:
    assert newest_backup(["x.txt"], "quizbot") is None
    assert newest_backup(names(4), "quizbot") == NOW


def rows(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return [row[0] for row in conn.execute("SELECT display_name FROM users ORDER BY id")]


async def test_run_once_copies_the_live_database_and_rotates(tmp_path: Path) -> None:
    db = tmp_path / "quizbot.db"
    store = await Store.open(db)
    async with store.write() as tx:
        await tx.users.upsert("telegram", 1, "Ann", NOW)
    folder = tmp_path / "backups"
    folder.mkdir()
    for old in names(5)[1:]:
        (folder / old).write_bytes(b"old")
    (folder / f"{names(5)[4]}-wal").write_bytes(b"")
    (folder / "keep-me.txt").write_text("mine")
    job = DailyBackup(db, folder, keep=3, at=AT)
    try:
        copied = await job.run_once(NOW)
    finally:
        await store.close()

    assert copied == folder / backup_name("quizbot", NOW)
    assert rows(copied) == ["Ann"]
    left = sorted(p.name for p in folder.iterdir())
    assert left == sorted([*names(3), "keep-me.txt"])


async def test_run_forever_backs_up_when_due_and_then_waits(tmp_path: Path) -> None:
    db = tmp_path / "quizbot.db"
    store = await Store.open(db)
    await store.close()
    clock = [NOW]
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) >= 3:
            raise asyncio.CancelledError
        clock[0] += timedelta(seconds=seconds)

    job = DailyBackup(db, tmp_path / "b", keep=2, at=AT, clock=lambda: clock[0], sleep=sleep)
    with pytest.raises(asyncio.CancelledError):
        await job.run_forever()

    assert [p.name for p in (tmp_path / "b").iterdir()] == [backup_name("quizbot", NOW)]
    assert waits == [300.0, 300.0, 300.0]  # the next one is tomorrow; checked every 5 min


async def test_a_failed_backup_is_retried_later_not_in_a_loop(tmp_path: Path) -> None:
    clock = [NOW]
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) >= 4:
            raise asyncio.CancelledError
        clock[0] += timedelta(seconds=seconds)

    job = DailyBackup(
        tmp_path / "missing.db", tmp_path / "b", keep=2, at=AT, clock=lambda: clock[0], sleep=sleep
    )
    with pytest.raises(asyncio.CancelledError):
        await job.run_forever()

    assert sum(waits[:3]) == 15 * 60  # tried, failed, waited 15 minutes, tried again
