"""The PostgreSQL database: a connection pool, its units of work, and migrations.

Selected by a PostgreSQL URL in `QUIZBOT_DB` (`postgresql://user:pass@host:port/dbname`),
for several replicas of the bot on one database. It offers what `bot.store.database.Store`
offers (`read()`, `write()`, `close()`, `write_problem()`...) over a pool instead of one
connection: each unit of work takes a connection of its own, a write block is one
transaction committed before the block ends (no group commit: the server commits
concurrent transactions together itself), and a read block runs its statements as they
come, each seeing what is committed, as SQLite's reads do.

Claims hold across replicas because they are made by the database: a unique daily
delivery per chat and day, `UPDATE ... WHERE revealed_at IS NULL` and the like under
READ COMMITTED, where a second writer waits for the first and then finds nothing to claim.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from typing import Self

import asyncpg

from bot.config import safe_url, url_problem
from bot.store import pgschema
from bot.store.errors import DatabaseUnavailable
from bot.store.postgresql import PostgresSession
from bot.store.unit import UnitOfWork

POOL_SIZE = 10
"""Connections per process at most (each replica has its own pool)."""
CONNECT_TIMEOUT_S = 10.0


class PostgresUnavailable(DatabaseUnavailable):
    """The PostgreSQL database cannot be reached, opened or migrated."""

    def __init__(self, url: str, reason: str, detail: str) -> None:
        safe = safe_url(url)
        Exception.__init__(self, f"{safe}: {detail}")
        self.path = safe  # type: ignore[assignment]  # what operators set, never the password
        self.reason = reason
        self.detail = detail.replace(url, safe)


class PostgresStore:
    """The database on a PostgreSQL server: open it, then work inside `read()`/`write()`."""

    shared = True
    """Whether other processes (replicas) may work on this database: here they may."""

    def __init__(self, pool: asyncpg.Pool, url: str) -> None:
        self._pool = pool
        self.url = safe_url(url)
        self.path = self.url
        self._write_error: str | None = None

    @classmethod
    async def open(cls, url: str, *, target: int | None = None) -> Self:
        """Connect, migrate (on a dedicated connection) and open the pool."""
        if problem := url_problem(url):
            raise PostgresUnavailable(url, DatabaseUnavailable.OTHER, problem)
        conn = await connect(url)
        try:
            await pgschema.migrate(conn, target)
        except pgschema.PostgresSchemaTooNew as error:
            raise PostgresUnavailable(url, DatabaseUnavailable.TOO_NEW, str(error)) from None
        except asyncpg.PostgresError as error:
            raise PostgresUnavailable(url, DatabaseUnavailable.OTHER, _words(error)) from None
        finally:
            await conn.close()
        pool = await asyncpg.create_pool(
            url, min_size=1, max_size=POOL_SIZE, timeout=CONNECT_TIMEOUT_S, init=_prepare
        )
        return cls(pool, url)

    async def close(self) -> None:
        await self._pool.close()

    def write_problem(self) -> str | None:
        """Why the last write failed in the database, or None once one works."""
        return self._write_error

    async def schema_version(self) -> int:
        async with self._pool.acquire() as conn:
            return await pgschema.schema_version(conn)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[UnitOfWork]:
        """Reads, each seeing what is committed."""
        async with self._pool.acquire() as conn:
            yield UnitOfWork(PostgresSession(conn))  # type: ignore[arg-type]

    def peek(self) -> AbstractAsyncContextManager[UnitOfWork]:
        """`read` (SQLite's store has a cheaper read for guesses; here every read is one)."""
        return self.read()

    @asynccontextmanager
    async def write(self) -> AsyncIterator[UnitOfWork]:
        """A unit of work in one transaction, committed before the block ends."""
        async with self._pool.acquire() as conn:
            transaction = conn.transaction()
            await transaction.start()
            try:
                yield UnitOfWork(PostgresSession(conn))  # type: ignore[arg-type]
            except BaseException as error:
                self._note_write_error(error)
                with suppress(asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
                    await transaction.rollback()
                raise
            try:
                await transaction.commit()
            except BaseException as error:
                self._note_write_error(error)
                raise
            self._write_error = None

    def _note_write_error(self, error: BaseException) -> None:
        """Remember a failure of the database itself (not a unit's own error)."""
        if isinstance(error, OSError | asyncpg.InterfaceError) or (
            isinstance(error, asyncpg.PostgresError)
            and not isinstance(error, asyncpg.IntegrityConstraintViolationError)
        ):
            self._write_error = f"a write failed: {_words(error)}"


async def connect(url: str) -> asyncpg.Connection:
    """A dedicated connection (not from a pool); PostgresUnavailable if none can be made."""
    try:
        return await asyncpg.connect(url, timeout=CONNECT_TIMEOUT_S)
    except (
        OSError,
        TimeoutError,
        asyncpg.PostgresError,
        asyncpg.InterfaceError,
        ValueError,
    ) as error:
        raise PostgresUnavailable(url, DatabaseUnavailable.OTHER, _words(error)) from None


async def ping(url: str) -> None:
    """Connect and read the schema version; PostgresUnavailable if that fails."""
    conn = await connect(url)
    try:
        await pgschema.schema_version(conn)
    except asyncpg.PostgresError as error:
        raise PostgresUnavailable(url, DatabaseUnavailable.OTHER, _words(error)) from None
    finally:
        await conn.close()


async def _prepare(conn: asyncpg.Connection) -> None:
    """A new pooled connection takes 0/1 integers for boolean parameters (`CASE WHEN ?`),
    as SQLite does, since the repositories pass flags as integers."""
    await conn.set_type_codec(
        "bool",
        schema="pg_catalog",
        encoder=lambda value: "t" if value else "f",
        decoder=lambda text: text == "t",
        format="text",
    )


def _words(error: BaseException) -> str:
    return str(error) or type(error).__name__
