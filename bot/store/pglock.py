"""One owner among replicas for work that must not be shared: a PostgreSQL session-level
advisory lock held on a dedicated connection (never a pooled one, where the lock would
stay with whichever unit of work used the connection next).

The replica whose `OwnerLock.held()` answers True owns the work until it stops or dies:
the server drops its connection, which releases the lock, and the next replica that asks
becomes the owner. Used for the daily automatic backup (`bot.ops.backups`); timed work
that is claimed row by row (daily pushes, reveals, reminders, recaps) needs no owner.
"""

from __future__ import annotations

import logging

import asyncpg

from bot.store.pgdatabase import PostgresUnavailable, connect

log = logging.getLogger(__name__)

BACKUP_LOCK = 0x7175697A6261636B  # "quizbackup": the advisory lock key of daily backups


class OwnerLock:
    """Whether this replica owns the work `key` names, asked of the server each time."""

    def __init__(self, url: str, key: int) -> None:
        self._url = url
        self.key = key
        self._conn: asyncpg.Connection | None = None
        self._held = False

    async def held(self) -> bool:
        """True if this replica holds the lock (taking it if it is free); False if
        another one holds it or the server cannot be reached (asked again next time)."""
        try:
            if self._conn is not None and self._held:
                await self._conn.fetchval("SELECT 1")  # still connected: still held
                return True
            if self._conn is None:
                self._conn = await connect(self._url)
            self._held = bool(
                await self._conn.fetchval("SELECT pg_try_advisory_lock($1)", self.key)
            )
            return self._held
        except (
            PostgresUnavailable,
            asyncpg.PostgresError,
            asyncpg.InterfaceError,
            OSError,
        ) as error:
            log.warning("cannot ask the database who owns the work: %s", error)
            await self.close()
            return False

    async def close(self) -> None:
        """Give the work up (closing the connection releases the lock)."""
        conn, self._conn = self._conn, None
        self._held = False
        if conn is not None and not conn.is_closed():
            try:
                await conn.close()
            except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
                conn.terminate()
