"""The daily automatic backup on PostgreSQL with replicas: a `pg_dump` made by one replica
only (the one holding the backup lock on its own connection), and taken over by another
when that one stops. A real PostgreSQL database and pg_dump; the clock is injected."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.ops.backups import DailyBackup, backup_name
from bot.ops.runtime import Ops
from bot.ops.settings import OpsSettings
from bot.store.pgbackup import find_pg_dump
from bot.store.pgdatabase import PostgresStore
from bot.store.pglock import BACKUP_LOCK, OwnerLock

AT = time(3, 0)
NOW = datetime(2025, 3, 3, 3, 1, tzinfo=UTC)


async def one_round(job: DailyBackup) -> None:
    """Run the backup loop until it first waits."""

    async def stop(_seconds: float) -> None:
        raise asyncio.CancelledError

    job.sleep = stop
    with pytest.raises(asyncio.CancelledError):
        await job.run_forever()


def dumps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


async def test_of_two_replicas_one_makes_the_dump_and_another_takes_over_when_it_stops(
    tmp_path: Path, postgres_url: str
) -> None:
    if find_pg_dump() is None:
        pytest.fail("PostgreSQL's pg_dump is not installed (Debian: postgresql-client)")
    store = await PostgresStore.open(postgres_url)
    async with store.write() as tx:
        await tx.users.upsert("telegram", 1, "Ann", NOW)
    await store.close()
    clock = [NOW]
    locks = [OwnerLock(postgres_url, BACKUP_LOCK), OwnerLock(postgres_url, BACKUP_LOCK)]
    # Two folders, so that a second dump would show (with one shared folder it would
    # overwrite the first).
    jobs = [
        DailyBackup(
            postgres_url, tmp_path / f"r{n}", keep=3, at=AT, clock=lambda: clock[0], owner=lock
        )
        for n, lock in enumerate(locks)
    ]
    try:
        await asyncio.gather(one_round(jobs[0]), one_round(jobs[1]))
        made = [dumps(job.folder) for job in jobs]
        owner = 0 if made[0] else 1
        other = 1 - owner
        name = jobs[owner].stem
        assert made[owner] == [backup_name(name, NOW, ".dump")] and made[other] == []
        assert (jobs[owner].folder / made[owner][0]).read_bytes().startswith(b"PGDMP")

        clock[0] = NOW + timedelta(days=1)
        await one_round(jobs[other])
        assert dumps(jobs[other].folder) == []  # the owner is alive: not this replica's

        await locks[owner].close()  # the owner stops (or dies: its connection drops)
        await one_round(jobs[other])
        assert dumps(jobs[other].folder) == [backup_name(name, clock[0], ".dump")]
    finally:
        for lock in locks:
            await lock.close()


async def test_a_replica_set_up_for_daily_backups_holds_the_lock_only_while_it_runs(
    tmp_path: Path, postgres_url: str
) -> None:
    ops = Ops(OpsSettings(backup_dir=tmp_path), postgres_url)
    stem = postgres_url.rsplit("/", 1)[-1]
    (tmp_path / backup_name(stem, datetime.now(UTC), ".dump")).write_bytes(b"")  # none due

    async def answers() -> None:
        return None

    probe = OwnerLock(postgres_url, BACKUP_LOCK)
    try:
        await ops.start(database=answers, scheduler_running=None, platform="telegram")
        try:
            assert ops.backup is not None and ops.backup.owner is not None
            assert await ops.backup.owner.held()
            assert not await probe.held()  # another replica is not the owner meanwhile
        finally:
            await ops.stop()
        assert await probe.held()  # stopped: the next replica to ask owns the backups
    finally:
        await probe.close()
