"""/healthz reflects writes: a deleted database file or a failing write turns it 503.

A real Store on a real SQLite file, the real Ops with its health server and write probe
on loopback. A full disk is made real with SQLite's own `max_page_count`: every write
that needs a new page then fails with "database or disk is full", as on a full disk.
"""

from __future__ import annotations

import asyncio
import io
import json
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.ops.probe import check_endpoint
from bot.ops.runtime import Ops, store_check, store_write_probe
from bot.ops.settings import OpsSettings
from bot.store import Store
from tests.ops.test_health import get

NOW = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)


@pytest.fixture
async def ops(store: Store, db_path: Path) -> AsyncIterator[Ops]:
    running = Ops(OpsSettings(health_port=0), db_path)
    running.write_probe_seconds = 0.05
    await running.start(
        database=store_check(store),
        scheduler_running=None,
        platform="telegram",
        mode="webhook",
        write_probe=store_write_probe(store, lambda: NOW),
    )
    try:
        yield running
    finally:
        await running.stop()


async def healthz(ops: Ops) -> tuple[int, dict[str, object]]:
    assert ops.health is not None
    status, _, body = await get(ops.health, "/healthz")
    return status, json.loads(body)


async def eventually(ops: Ops, status: int) -> dict[str, object]:
    for _ in range(200):
        found, body = await healthz(ops)
        if found == status:
            return body
        await asyncio.sleep(0.02)
    raise AssertionError(f"/healthz never answered {status}: {body}")


async def test_the_write_probe_writes_while_healthy(ops: Ops, db_path: Path) -> None:
    assert (await healthz(ops))[0] == 200
    await asyncio.sleep(0.1)
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT written_at FROM health_probe").fetchall() == [
            ("2025-03-03T08:00:00.000000+00:00",)
        ]


async def test_a_deleted_database_file_is_unhealthy_and_refuses_to_commit(
    ops: Ops, store: Store, db_path: Path
) -> None:
    db_path.unlink()

    body = await eventually(ops, 503)

    assert body["database"] == {
        "ok": False,
        "error": f"the database file {db_path} is missing (deleted or moved)",
    }
    with pytest.raises(sqlite3.OperationalError, match="missing"):
        async with store.write() as tx:  # an answer that nobody could read back
            await tx.health.touch_probe(NOW)
    assert ops.health is not None
    out, err = io.StringIO(), io.StringIO()
    url = f"http://127.0.0.1:{ops.health.port}/healthz"
    assert await asyncio.to_thread(check_endpoint, url, out, err, timeout=5.0) == 1
    assert "missing" in err.getvalue()


async def test_a_failing_write_is_unhealthy_until_a_write_works_again(
    ops: Ops, store: Store
) -> None:
    async with store.read() as tx:
        pages = (await tx.session.one("PRAGMA page_count"))[0]
    await store._conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full

    with pytest.raises(sqlite3.OperationalError, match="full"):
        async with store.write() as tx:  # an answer with a long text needs a new page
            await tx.session.run("CREATE TABLE filler (x TEXT)")
            await tx.session.run("INSERT INTO filler VALUES (?)", ("x" * 100_000,))

    body = await eventually(ops, 503)
    assert body["database"] == {
        "ok": False,
        "error": "a write failed: database or disk is full",
    }

    await store._conn.execute("PRAGMA max_page_count = 1073741823")  # space again
    await eventually(ops, 200)  # the next probe writes and clears it
