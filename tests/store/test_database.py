"""The database: connection settings, and units of work committed whole or not at all."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.store import BUSY_TIMEOUT_MS, NewAttempt, Store
from tests.helpers import loop_ticks_during
from tests.postgres import INTEGRITY_ERRORS
from tests.store.conftest import Outside


def connect(path: Path) -> sqlite3.Connection:
    """A second, independent connection to the database file (as another process has)."""
    return sqlite3.connect(path, timeout=0, isolation_level=None)


async def test_the_database_is_in_wal_mode(store: Store, db_path: Path) -> None:
    with connect(db_path) as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_foreign_keys_are_enforced(store: Store, now: datetime) -> None:
    with pytest.raises(INTEGRITY_ERRORS):
        async with store.write() as tx:
            await tx.deliveries.claim(
                404, "mini-latency", kind="asked", local_day="2025-03-03", now=now
            )


@pytest.mark.sqlite_only
async def test_the_connection_waits_for_a_busy_database(store: Store) -> None:
    async with store.read() as tx, tx.conn.execute("PRAGMA busy_timeout") as cursor:
        row = await cursor.fetchone()
    assert row is not None
    assert row[0] == BUSY_TIMEOUT_MS > 0


async def test_a_write_holds_the_write_lock_from_its_start(store: Store, db_path: Path) -> None:
    with connect(db_path) as other:
        async with store.write():
            # Nothing written yet: a deferred BEGIN would not hold the lock at this point.
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")


@pytest.mark.sqlite_only
async def test_a_write_waits_for_another_process_holding_the_write_lock(
    store: Store, outside: Outside, db_path: Path, now: datetime
) -> None:
    """The write lock is taken on the spot when it is free; when another process holds
    it, the write waits for it (on aiosqlite's thread, the event loop still serving)."""
    other = connect(db_path)
    other.execute("BEGIN IMMEDIATE")
    released = asyncio.get_running_loop().call_later(0.3, other.execute, "ROLLBACK")

    async def write() -> None:
        async with store.write() as tx:
            await tx.users.upsert("telegram", 1, "Ann", now)

    try:
        _, ticks = await loop_ticks_during(write(), every=0.02)
    finally:
        released.cancel()
        other.close()
    assert outside("SELECT display_name FROM users") == [("Ann",)]
    assert ticks >= 5  # the loop ran while the write waited for the lock
    async with store.read() as tx, tx.conn.execute("PRAGMA busy_timeout") as cursor:
        row = await cursor.fetchone()
    assert row is not None and row[0] == BUSY_TIMEOUT_MS  # restored after the attempt


async def test_a_write_is_committed_when_its_block_ends(
    store: Store, outside: Outside, now: datetime
) -> None:
    async with store.write() as tx:
        await tx.users.upsert("telegram", 1, "Ann", now)
    assert outside("SELECT display_name FROM users") == [("Ann",)]


async def test_a_write_that_fails_leaves_nothing_behind(store: Store, now: datetime) -> None:
    with pytest.raises(RuntimeError):
        async with store.write() as tx:
            await tx.users.upsert("telegram", 1, "Ann", now)
            raise RuntimeError("boom")
    async with store.read() as tx:
        assert await tx.users.find("telegram", 1) is None


async def test_a_unit_of_work_that_fails_rolls_back_every_repositorys_writes(
    store: Store, outside: Outside, now: datetime
) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        async with store.write() as tx:
            chat = await tx.chats.upsert(
                "telegram", 7, kind="group", title="g", timezone="UTC", push_time="09:00", now=now
            )
            user = await tx.users.upsert("telegram", 1, "Ann", now)
            delivery = await tx.deliveries.claim(
                chat.id, "mini-latency", kind="daily", local_day="2025-03-03", now=now
            )
            assert delivery is not None
            await tx.attempts.add(
                NewAttempt(
                    user_id=user.id,
                    chat_id=chat.id,
                    question_id="mini-latency",
                    delivery_id=delivery.id,
                    source_key="msg:1",
                    answer="p99",
                    score=1.0,
                    covered=(0,),
                    points=10,
                    local_day="2025-03-03",
                    answered_at=now,
                )
            )
            await tx.scores.add_points(chat.id, user.id, ["all"], 10, now)
            await tx.cards.save(user.id, "mini-latency", "{}", now)
            raise RuntimeError("boom")
    for table in ("chats", "users", "deliveries", "attempts", "scores", "cards"):
        assert outside(f"SELECT count(*) FROM {table}") == [(0,)], table
    async with store.write() as tx:  # and the store is usable afterwards
        await tx.users.upsert("telegram", 1, "Ann", now)
    assert outside("SELECT display_name FROM users") == [("Ann",)]


async def test_the_health_checks_query_answers_and_its_probe_row_is_rewritten(
    store: Store, now: datetime
) -> None:
    async with store.read() as tx:
        await tx.health.ping()
    for seconds in (0, 30):
        async with store.write() as tx:
            await tx.health.touch_probe(now + timedelta(seconds=seconds))
    async with store.read() as tx:
        row = await tx.session.one("SELECT count(*), max(written_at) FROM health_probe")
    assert row is not None and row[0] == 1 and row[1].startswith("2025-03-03T09:00:30")
    assert store.write_problem() is None
