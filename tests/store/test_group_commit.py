"""Group commit: concurrent units of work share one transaction and one commit, yet each
is all-or-nothing and each is on disk when its block ends. On PostgreSQL each unit of work
is a transaction of its own; what holds for both: all-or-nothing, committed when the block
ends, and a cancelled writer leaves the store usable."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

import pytest

from bot.store import Store
from tests.store.conftest import Outside, read_outside


def names_on_disk(database: Path | str) -> set[str]:
    """What another process would read (committed data only)."""
    return {row[0] for row in read_outside(database, "SELECT display_name FROM users")}


def names_committed(outside: Outside) -> set[str]:
    return {row[0] for row in outside("SELECT display_name FROM users")}


def count_commits(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    commits: list[int] = []
    original = store._commit_on_disk

    def counted() -> None:
        commits.append(1)
        original()

    monkeypatch.setattr(store, "_commit_on_disk", counted)
    return commits


async def write_user(
    store: Store, number: int, now: datetime, database: Path | str, seen: dict[int, bool]
) -> None:
    async with store.write() as tx:
        await tx.users.upsert("telegram", number, f"user {number}", now)
        await asyncio.sleep(0)  # let the others queue up meanwhile
    seen[number] = f"user {number}" in names_on_disk(database)


async def test_concurrent_writers_share_commits_and_each_is_on_disk_when_done(
    store: Store, db_path: Path, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    commits = count_commits(store, monkeypatch)
    seen: dict[int, bool] = {}
    await asyncio.gather(*(write_user(store, n, now, db_path, seen) for n in range(40)))
    assert seen == {n: True for n in range(40)}
    assert names_on_disk(db_path) == {f"user {n}" for n in range(40)}
    assert 1 <= len(commits) < 40


async def test_a_lone_writer_commits_at_once(
    store: Store, db_path: Path, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    commits = count_commits(store, monkeypatch)
    async with store.write() as tx:
        await tx.users.upsert("telegram", 1, "Ann", now)
    assert names_on_disk(db_path) == {"Ann"}
    assert len(commits) == 1


async def test_a_failing_unit_rolls_back_only_itself(
    store: Store, outside: Outside, now: datetime
) -> None:
    async def good(number: int) -> None:
        async with store.write() as tx:
            await tx.users.upsert("telegram", number, f"good {number}", now)
            await asyncio.sleep(0)

    async def bad() -> None:
        async with store.write() as tx:
            await tx.users.upsert("telegram", 99, "bad", now)
            raise RuntimeError("boom")

    results = await asyncio.gather(good(1), bad(), good(2), good(3), return_exceptions=True)
    assert isinstance(results[1], RuntimeError)
    assert results[0] is None and results[2] is None and results[3] is None
    assert names_committed(outside) == {"good 1", "good 2", "good 3"}


async def test_a_cancelled_writer_leaves_the_store_usable(
    store: Store, database: Path | str, outside: Outside, now: datetime
) -> None:
    started = asyncio.Event()

    async def stuck() -> None:
        async with store.write() as tx:
            await tx.users.upsert("telegram", 1, "never", now)
            started.set()
            await asyncio.sleep(3600)

    task = asyncio.ensure_future(stuck())
    await started.wait()
    others = [asyncio.ensure_future(write_user(store, n, now, database, {})) for n in range(2, 6)]
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.gather(*others)
    async with store.write() as tx:
        await tx.users.upsert("telegram", 9, "after", now)
    assert names_committed(outside) == {"user 2", "user 3", "user 4", "user 5", "after"}


@pytest.mark.sqlite_only
async def test_reads_see_only_committed_data(store: Store, now: datetime) -> None:
    """A reader queued behind writers finishes their group commit before it reads."""

    async def write(number: int) -> None:
        async with store.write() as tx:
            await tx.users.upsert("telegram", number, f"user {number}", now)
            await asyncio.sleep(0)

    async def read() -> bool:
        async with store.read() as tx:
            return not tx.conn.in_transaction

    results = await asyncio.gather(write(1), write(2), read(), write(3), read())
    assert results[2] is True and results[4] is True


@pytest.mark.sqlite_only
async def test_a_peek_sees_an_open_group_commit_without_ending_it(
    store: Store, outside: Outside, now: datetime
) -> None:
    """A peek (a guess that a later write checks) reads the open transaction as it is,
    where a read would commit it first."""
    peeked: dict[str, object] = {}

    async def write(number: int) -> None:
        async with store.write() as tx:
            await tx.users.upsert("telegram", number, f"user {number}", now)
            await asyncio.sleep(0)  # the peek queues meanwhile

    async def peek() -> None:
        async with store.peek() as tx:
            peeked["seen"] = await tx.users.find("telegram", 1)
            peeked["committed"] = names_committed(outside)
            peeked["open"] = tx.conn.in_transaction

    await asyncio.gather(write(1), peek(), write(2))
    seen = peeked["seen"]
    assert seen is not None and getattr(seen, "display_name", None) == "user 1"
    assert peeked["committed"] == set()  # not on disk yet when peeked
    assert peeked["open"] is True
    assert names_committed(outside) == {"user 1", "user 2"}  # both committed afterwards


async def test_a_peek_reads_what_is_committed(store: Store, now: datetime) -> None:
    async with store.write() as tx:
        await tx.users.upsert("telegram", 1, "Ann", now)
    async with store.peek() as tx:
        found = await tx.users.find("telegram", 1)
    assert found is not None and found.display_name == "Ann"
