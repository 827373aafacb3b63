"""The database: one connection, its units of work, group commit and migrations.

One aiosqlite connection serves the whole bot. Every unit of work runs inside
`Store.read()` or `Store.write()`, which hold an asyncio lock so that statements of two
coroutines never interleave on the shared connection; writes run in `BEGIN IMMEDIATE`
and are committed before the context exits, so an answer the bot acknowledges is on disk.
Writers that arrive together share one transaction and one commit (group commit, see
`Store.write`). Each block gets a `UnitOfWork` (`bot.store.unit`): the repositories by
aggregate, over this connection's session (`bot.store.sqlite`).
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager, closing, suppress
from pathlib import Path
from typing import Any, Self

import aiosqlite

from bot.store import schema
from bot.store.errors import DatabaseUnavailable
from bot.store.sqlite import BUSY_TIMEOUT_MS, PRAGMAS, SqliteSession
from bot.store.unit import UnitOfWork


def _probe(path: Path) -> None:
    """Open the database file once and read its header; sqlite3.Error if that fails."""
    with closing(sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)) as probe:
        probe.execute("PRAGMA schema_version").fetchone()


GROUP_COMMIT_MAX = 64
"""Units of work committed together at most (bounds how long the write lock is held)."""


class _Batch:
    """One group commit: the units of work in it wait for `done`."""

    __slots__ = ("done", "units")

    def __init__(self) -> None:
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.units = 0


def _file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file at `path`; None when there is none."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


class Store:
    """The database: open it, then do all work inside `read()` or `write()`."""

    shared = False
    """Whether other processes (replicas) may work on this database: a SQLite file has one."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self._db: sqlite3.Connection = conn._conn  # the connection aiosqlite wraps
        self._lock = asyncio.Lock()
        self.path = path
        self._batch: _Batch | None = None
        """The open write transaction that units of work join (group commit)."""
        self._queued = 0
        """Callers waiting for the lock (a writer commits at once when nobody waits)."""
        self._settling: asyncio.Task[None] | None = None
        """A commit or rollback still running after its caller was cancelled."""
        self._write_error: str | None = None
        """Why the last write failed in the database (a full disk...); None once one works."""
        self._file = _file_identity(path)
        """The database file this connection writes, to notice it deleted or replaced."""

    @classmethod
    async def open(cls, path: Path | str, *, target: int | None = None) -> Self:
        """Open (creating if needed) and migrate the database at `path`.

        `target` stops at that schema version instead of the latest (for upgrade tests).
        """
        path = Path(path)
        # Not bound to aiosqlite's thread: the session runs small statements on the loop's
        # thread too (always one at a time, under the store's lock).
        try:
            # A failed aiosqlite connect leaves its thread to finish after the loop, so the
            # file is tried with plain sqlite3 first (missing folder, not a database...).
            await asyncio.to_thread(_probe, path)
            conn = await aiosqlite.connect(path, isolation_level=None, check_same_thread=False)
        except (sqlite3.Error, OSError) as error:
            raise DatabaseUnavailable.from_error(path, error) from None
        try:
            conn.row_factory = sqlite3.Row
            for pragma in PRAGMAS:
                await conn.execute(pragma)
            store = cls(conn, path)
            await store.migrate(target)
        except BaseException as error:
            # Always close: aiosqlite's thread keeps the process alive until it is closed.
            with suppress(sqlite3.Error):
                await conn.close()
            if isinstance(error, sqlite3.Error):
                raise DatabaseUnavailable.from_error(path, error) from None
            raise
        return store

    def write_problem(self) -> str | None:
        """Why writes are not reaching the database file now, or None: the file was
        deleted or replaced while open (writes go to a file nobody will read again), or
        the last write failed in SQLite."""
        return self._file_problem() or self._write_error

    def _file_problem(self) -> str | None:
        if self._file is None:
            return None
        now = _file_identity(self.path)
        if now is None:
            return f"the database file {self.path} is missing (deleted or moved)"
        if now != self._file:
            return f"the database file {self.path} was replaced by another file"
        return None

    async def close(self) -> None:
        async with self._locked():
            await self._commit_batch()
            await self._conn.close()

    async def schema_version(self) -> int:
        return await schema.schema_version(self._conn)

    async def migrate(self, target: int | None = None) -> int:
        """Apply the migrations newer than the database (see `bot.store.schema`)."""
        async with self._lock:
            return await schema.migrate(self._conn, self.path, target)

    @asynccontextmanager
    async def _locked(self) -> AsyncIterator[None]:
        self._queued += 1
        try:
            await self._lock.acquire()
        finally:
            self._queued -= 1
        try:
            if self._settling is not None:
                # A commit or rollback whose caller was cancelled: it runs to its end
                # before anything else reaches the connection.
                await asyncio.wait([self._settling])
                self._settling = None
            yield
        finally:
            self._lock.release()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[UnitOfWork]:
        """Reads see only committed data: a group commit still open is finished first."""
        async with self._locked():
            await self._commit_batch()
            yield UnitOfWork(SqliteSession(self._conn))

    @asynccontextmanager
    async def peek(self) -> AsyncIterator[UnitOfWork]:
        """Reads that may see writes not committed yet (a group commit still open), so
        they never wait for a commit: for a guess that a later write checks again,
        never for anything shown or acknowledged."""
        async with self._locked():
            yield UnitOfWork(SqliteSession(self._conn))

    @asynccontextmanager
    async def write(self) -> AsyncIterator[UnitOfWork]:
        """A unit of work in a write transaction (`BEGIN IMMEDIATE`), committed before the
        block ends: whatever the caller acknowledges afterwards is on disk.

        Group commit: units that are waiting for the store while one runs join its
        transaction, each in a savepoint (a failing unit rolls back only itself), and the
        transaction is committed once for all of them; every unit's block ends only after
        that commit, and raises if it failed. One writer alone commits at once, as before.
        Under load (a burst of answers, a fan-out's claims) this turns one fsync per unit
        into one per batch.
        """
        async with self._locked():
            batch = self._batch
            joined = batch is not None
            if batch is None:
                batch = self._batch = _Batch()
            session = SqliteSession(self._conn)
            try:
                if joined:
                    session.savepoint("unit")  # on the spot: a savepoint never waits
                else:
                    await self._begin()
                yield UnitOfWork(session)
                if joined:
                    session.release("unit")
            except BaseException as error:
                self._note_write_error(error)
                await self._settle(self._undo_unit(batch, joined, error))
                raise
            batch.units += 1
            if self._queued == 0 or batch.units >= GROUP_COMMIT_MAX:
                await self._commit_batch()
        if not batch.done.done():
            # Writers already waiting run their units first, then this one commits for
            # all (unless one of them, or a reader, committed it meanwhile).
            async with self._locked():
                if self._batch is batch:
                    await self._commit_batch()
        await batch.done

    async def _begin(self) -> None:
        """`BEGIN IMMEDIATE`: on the spot when the file's write lock is free (always, but
        for another process writing the same file: a `quizbot` command, a copy), else on
        aiosqlite's thread, which waits for it up to the busy timeout without stopping the
        event loop. The attempt on the spot must not wait, so it runs without one."""
        db = self._db
        db.execute("PRAGMA busy_timeout = 0")
        try:
            db.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError:  # the file's write lock is taken (SQLITE_BUSY)
            pass
        finally:
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await self._conn.execute("BEGIN IMMEDIATE")

    def _commit_on_disk(self) -> None:
        """COMMIT, on the spot rather than on aiosqlite's thread: it is one fsync of the
        WAL, far shorter than the hand-off to the thread and back on a busy event loop,
        and nothing else may use the connection until it is done anyway."""
        self._db.commit()

    async def _settle(self, work: Coroutine[Any, Any, None]) -> None:
        """Run a commit or rollback to its end even if the caller is cancelled (the lock
        holder after it waits for it: see `_locked`)."""
        self._settling = asyncio.ensure_future(work)
        await asyncio.shield(self._settling)
        self._settling = None

    async def _undo_unit(self, batch: _Batch, joined: bool, error: BaseException) -> None:
        """Roll back a failed unit: its savepoint, or the transaction it opened alone.

        Statements run in order on the connection's thread, so whatever the failed unit
        had queued has run by then."""
        if joined:
            try:
                await self._conn.execute("ROLLBACK TO unit")
                await self._conn.execute("RELEASE unit")
                return
            except sqlite3.Error as undo_error:
                error = undo_error
        # The unit was alone in its transaction, or SQLite ended the transaction itself
        # (a disk error): everything in the batch is gone, and every unit in it learns so.
        if self._batch is batch:
            self._batch = None
        with suppress(sqlite3.Error):  # nothing left to roll back
            await self._conn.rollback()
        if batch.done.done():
            return
        if batch.units:
            batch.done.set_exception(
                sqlite3.OperationalError(f"the group commit was rolled back: {error}")
            )
            batch.done.exception()  # retrieved: each unit in the batch raises it itself
        else:
            batch.done.set_result(None)

    async def _commit_batch(self) -> None:
        """Commit the open group transaction, if any (the caller holds the lock); the
        units in it learn how it went from `batch.done`."""
        batch, self._batch = self._batch, None
        if batch is not None:
            await self._settle(self._finish(batch))

    async def _finish(self, batch: _Batch) -> None:
        try:
            if problem := self._file_problem():  # committing would acknowledge a lost write
                raise sqlite3.OperationalError(problem)
            self._commit_on_disk()
        except Exception as error:
            self._note_write_error(error)
            with suppress(sqlite3.Error):
                await self._conn.rollback()
            batch.done.set_exception(error)
            batch.done.exception()  # retrieved here; each unit in the batch raises it
        else:
            self._write_error = None
            batch.done.set_result(None)

    def _note_write_error(self, error: BaseException) -> None:
        """Remember a failure of the database itself (not a unit's own error)."""
        if isinstance(error, sqlite3.OperationalError) or type(error) is sqlite3.DatabaseError:
            self._write_error = f"a write failed: {error}"

    async def backup_to(self, destination: Path | str) -> None:
        """A consistent copy of the live database through SQLite's online backup API."""
        target = await aiosqlite.connect(destination)
        try:
            async with self._locked():
                await self._commit_batch()
                await self._conn.backup(target)
        finally:
            await target.close()
