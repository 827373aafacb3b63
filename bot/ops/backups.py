"""The daily automatic backup: a consistent copy into a folder, keeping the newest N.

Each copy is `<db stem>-<UTC time>.db` (e.g. `quizbot-20250303T030000Z.db`), made with
SQLite's online backup API (`bot.store.backup`), so the bot keeps running meanwhile.
Only files named that way are ever rotated: anything else in the folder is left alone.
A backup missed while the bot was down is made as soon as it starts again.

On PostgreSQL each copy is a `pg_dump` (`<database>-<UTC time>.dump`, restored with
`pg_restore`), and of several replicas only one makes them: the one holding the backup
lock (`bot.store.pglock.OwnerLock`); when it stops or dies, the next replica to look
takes the lock and the backups over. Give the replicas one shared folder, so the new
owner sees the day's backup is made.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from bot.engine.clock import Clock, utc_now
from bot.store.backup import BackupError, backup_database
from bot.store.pgbackup import backup_postgres

log = logging.getLogger(__name__)

STAMP = "%Y%m%dT%H%M%SZ"
CHECK_EVERY = 300.0
"""Longest single sleep (seconds): the wait is re-computed, so clock jumps do no harm."""
RETRY_AFTER = timedelta(minutes=15)
"""After a failed backup, the next try waits this long."""


class Owner(Protocol):
    """Whether this replica is the one to make the backups (`bot.store.pglock.OwnerLock`)."""

    async def held(self) -> bool: ...


def backup_name(stem: str, moment: datetime, suffix: str = ".db") -> str:
    return f"{stem}-{moment.astimezone(UTC).strftime(STAMP)}{suffix}"


def backup_time(name: str, stem: str, suffix: str = ".db") -> datetime | None:
    """When an automatic backup called `name` was made, or None if it is not one."""
    match = re.fullmatch(rf"{re.escape(stem)}-(\d{{8}}T\d{{6}}Z){re.escape(suffix)}", name)
    if match is None:
        return None
    try:
        return datetime.strptime(match[1], STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None


def backups_to_delete(names: Iterable[str], stem: str, keep: int, suffix: str = ".db") -> list[str]:
    """The automatic backups among `names` beyond the newest `keep`, oldest first."""
    if keep < 1:
        raise ValueError("keep at least one backup")
    dated = sorted(
        (
            (moment, name)
            for name in names
            if (moment := backup_time(name, stem, suffix)) is not None
        ),
        reverse=True,
    )
    return [name for _, name in reversed(dated[keep:])]


def newest_backup(names: Iterable[str], stem: str, suffix: str = ".db") -> datetime | None:
    times = [moment for name in names if (moment := backup_time(name, stem, suffix)) is not None]
    return max(times, default=None)


def next_backup(now: datetime, at: time, newest: datetime | None) -> datetime:
    """When the next backup is due: `now` if the latest daily slot (`at`, UTC) at or
    before `now` has no backup yet, else the next slot."""
    today_slot = datetime.combine(now.astimezone(UTC).date(), at, tzinfo=UTC)
    last_slot = today_slot if today_slot <= now else today_slot - timedelta(days=1)
    if newest is None or newest < last_slot:
        return now
    return last_slot + timedelta(days=1)


class DailyBackup:
    """Backs up `db_path` (a SQLite file or a PostgreSQL URL) into `folder` every day at
    `at` (UTC), keeping `keep` copies; with an `owner`, only while this replica owns the
    backups."""

    def __init__(
        self,
        db_path: Path | str,
        folder: Path,
        *,
        keep: int,
        at: time,
        clock: Clock = utc_now,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        owner: Owner | None = None,
    ) -> None:
        if keep < 1:
            raise ValueError("keep at least one backup")
        self.db_path = db_path
        self.folder = folder
        self.keep = keep
        self.at = at
        self.clock = clock
        self.sleep = sleep
        self.owner = owner
        if isinstance(db_path, str):
            self.stem = urlsplit(db_path).path.strip("/") or "quizbot"
            self.suffix = ".dump"
        else:
            self.stem = db_path.stem
            self.suffix = ".db"

    def _names(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return [entry.name for entry in self.folder.iterdir() if entry.is_file()]

    async def run_once(self, now: datetime) -> Path:
        """Make one backup and delete the ones beyond `keep`; BackupError if it failed."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BackupError(f"{self.folder}: cannot create the folder: {exc.strerror}") from None
        destination = self.folder / backup_name(self.stem, now, self.suffix)
        if isinstance(self.db_path, str):
            copied = await backup_postgres(self.db_path, destination)
        else:
            copied = await backup_database(self.db_path, destination)
        for name in backups_to_delete(self._names(), self.stem, self.keep, self.suffix):
            for suffix in ("", "-wal", "-shm"):  # a copy someone opened has these beside it
                try:
                    (self.folder / f"{name}{suffix}").unlink(missing_ok=True)
                except OSError as exc:
                    log.warning("could not delete old backup %s: %s", name, exc.strerror)
        log.info("backed up the database to %s", copied)
        return copied

    async def run_forever(self) -> None:
        """Back up whenever one is due, until cancelled."""
        retry_at: datetime | None = None
        while True:
            now = self.clock()
            newest = newest_backup(self._names(), self.stem, self.suffix)
            due = next_backup(now, self.at, newest)
            if retry_at is not None:
                due = max(due, retry_at)
            wait = (due - now).total_seconds()
            if wait > 0:
                await self.sleep(min(wait, CHECK_EVERY))
                continue
            if self.owner is not None and not await self.owner.held():
                await self.sleep(CHECK_EVERY)  # another replica makes the backups
                continue
            try:
                await self.run_once(now)
                retry_at = None
            except BackupError as exc:
                log.error("automatic backup failed: %s", exc)
                retry_at = now + RETRY_AFTER
            except Exception:  # never let the backup loop die with the bot still running
                log.exception("automatic backup failed")
                retry_at = now + RETRY_AFTER
