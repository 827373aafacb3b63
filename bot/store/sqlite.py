"""Everything SQLite-specific in the data layer: the statement runner and the SQL dialect.

The repositories (`bot.store.chats` ...) write their SQL with `?` placeholders,
`ON CONFLICT ... DO UPDATE/NOTHING` and `RETURNING`, and take the few forms that differ
between databases from their session's `dialect` (`session.Dialect`): how a list of ids
or of rows travels as one parameter (`in_list`, `json_rows`), the later of two values
(`later`), day arithmetic (`days_after`, `shift_day`), a 0/1 flag as a condition
(`flag`), skipping rows being claimed (`skip_locked`), the health check's query (`PING`).
How a moment is stored (`ts`) is the same for both. They run statements through a
`Session` (see `bot.store.session`); `SqliteSession` is SQLite's, over the store's one
aiosqlite connection; `bot.store.postgresql` is PostgreSQL's twin.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import aiosqlite

from bot.store.session import Dialect

BUSY_TIMEOUT_MS = 5000

PRAGMAS = (
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
    "PRAGMA journal_mode = WAL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA synchronous = FULL",
)
"""Set on the connection when it opens: wait for a busy file, WAL, keys, durable commits."""

PING = "SELECT count(*) FROM sqlite_master"
"""A trivial query that still reads the database file (the health check's)."""


def ts(moment: datetime) -> str:
    """A moment as stored: UTC ISO-8601 with microseconds, so text order is time order."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime given to the store; pass an aware UTC time")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def in_list(column: str) -> str:
    """`column IN` a list of values given as one parameter (`ids(...)`, `texts(...)`)."""
    return f"{column} IN (SELECT value FROM json_each(?))"


def ids(values: Iterable[int]) -> str:
    """A list of ids as one parameter, for `in_list`."""
    return json.dumps([int(i) for i in values])


def texts(values: Iterable[str]) -> str:
    """A list of strings as one parameter, for `in_list`."""
    return json.dumps(list(values))


def json_rows(*names: str) -> str:
    """A table of rows given as one parameter (`rows(...)`): its columns `names` in
    order, plus `position` (the row's place in the list)."""
    columns = ", ".join(f"json_extract(value, '$[{i}]') AS {name}" for i, name in enumerate(names))
    return f"SELECT key AS position, {columns} FROM json_each(?)"


def rows(values: Iterable[Sequence[Any]]) -> str:
    """Rows of values as one parameter, for `json_rows`."""
    return json.dumps([list(row) for row in values])


def differs(column: str) -> str:
    """`column` differs from a parameter, NULL counting as a value."""
    return f"{column} IS NOT ?"


def later(first: str, second: str) -> str:
    """The later (larger) of two SQL values."""
    return f"max({first}, {second})"


def days_after(day: str, days: str) -> str:
    """The ISO day `days` (an SQL integer) after the ISO day `day`."""
    return f"date({day}, printf('+%d days', {days}))"


def shift_day(day: str, days: int) -> str:
    """The ISO day `days` (a Python integer) after the ISO day `day`."""
    return f"date({day}, '{days:+d} day')"


def flag(column: str) -> str:
    """A 0/1 flag column as a condition (as written in the partial indexes' WHERE)."""
    return column


def skip_locked() -> str:
    """The end of a `SELECT` of rows to claim: rows another transaction is claiming are
    left out rather than waited for. SQLite has one writer at a time: none to skip."""
    return ""


DIALECT = Dialect(
    in_list=in_list,
    ids=ids,
    texts=texts,
    json_rows=json_rows,
    rows=rows,
    later=later,
    days_after=days_after,
    shift_day=shift_day,
    flag=flag,
    skip_locked=skip_locked,
    ping=PING,
)


class SqliteSession:
    """The statements of the store's units of work, on its one aiosqlite connection.

    Where a statement runs: a trip to aiosqlite's thread costs a thread hand-off and then
    a turn of the event loop before the result is seen, which on a busy bot is far more
    than a small indexed query; a unit of work holds the store for all its trips. So the
    statements that touch a handful of rows by key (`one`, `run`, `many`) run on the
    spot, on the loop's thread, through the same sqlite3 connection; queries that may
    read many rows (`all`, `far_one`, `far_run`) go to the thread, so the loop keeps
    serving while SQLite works. Nothing here waits on a lock: writes happen inside the
    unit's `BEGIN IMMEDIATE` (see `Store._begin`), and WAL readers never wait.
    """

    __slots__ = ("_db", "conn")
    dialect = DIALECT

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn
        self._db: sqlite3.Connection = conn._conn  # the connection aiosqlite wraps

    async def one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        rows = self._db.execute(sql, params).fetchall()  # to the end: RETURNING finishes
        return rows[0] if rows else None

    async def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Execute a write; return the number of rows changed."""
        return self._db.execute(sql, params).rowcount

    async def many(self, sql: str, params: Iterable[Sequence[Any]]) -> None:
        self._db.executemany(sql, params)

    async def all(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return list(await self.conn.execute_fetchall(sql, params))

    async def far_one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        """`one` for a query that may scan many rows (on the thread)."""
        return next(iter(await self.conn.execute_fetchall(sql, params)), None)

    async def far_run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """`run` for a write that may touch many rows (on the thread)."""
        cursor = await self.conn.execute(sql, params)
        return cursor.rowcount

    def savepoint(self, name: str) -> None:
        """Open a savepoint on the spot (it never waits)."""
        self._db.execute(f"SAVEPOINT {name}")

    def release(self, name: str) -> None:
        self._db.execute(f"RELEASE {name}")
