"""Everything PostgreSQL-specific in the data layer's statements: the session and the SQL
dialect, twins of `bot.store.sqlite`'s.

The repositories write one SQL text for both databases, with `?` placeholders, and take
the forms that differ from their session's dialect (`session.dialect`). This session
numbers the placeholders for PostgreSQL (`$1`, `$2`, ...; translated once per text) and
runs each statement on the unit of work's pooled connection. Values keep SQLite's
representation (times as ISO text, flags as 0/1 integers), so rows read the same.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import asyncpg

from bot.store.session import Dialect

# -- dialect ---------------------------------------------------------------------------


def ts(moment: datetime) -> str:
    """A moment as stored: UTC ISO-8601 with microseconds, so text order is time order."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime given to the store; pass an aware UTC time")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def in_list(column: str) -> str:
    """`column` is one of a list given as one parameter (`ids(...)` or `texts(...)`)."""
    return f"{column} = ANY(?)"


def ids(values: Iterable[int]) -> list[int]:
    """A list of ids as one parameter, for `in_list`."""
    return [int(i) for i in values]


def texts(values: Iterable[str]) -> list[str]:
    """A list of texts as one parameter, for `in_list`."""
    return [str(v) for v in values]


COLUMN_TYPES = {
    "chat_id": "bigint",
    "user_id": "bigint",
    "asked_by": "bigint",
    "delivery_id": "bigint",
    "message_id": "bigint",
    "thread_id": "bigint",
    "id": "bigint",
    "points": "integer",
    "score": "double precision",
}
"""The type of a `json_rows` column by name (text unless named here)."""


def json_rows(*names: str) -> str:
    """A table of rows given as one parameter (`rows(...)`): its columns `names` in
    order, plus `position` (the row's place in the list, from 0)."""
    columns = ", ".join(
        f"(value ->> {i})::{COLUMN_TYPES.get(name, 'text')} AS {name}"
        for i, name in enumerate(names)
    )
    return (
        f"SELECT (ordinality - 1) AS position, {columns}"
        " FROM jsonb_array_elements(?::text::jsonb) WITH ORDINALITY"
    )


def rows(values: Iterable[Sequence[Any]]) -> str:
    """Rows of values as one parameter, for `json_rows`."""
    return json.dumps([list(row) for row in values])


def later(first: str, second: str) -> str:
    """The later (larger) of two SQL values."""
    return f"greatest({first}, {second})"


def days_after(day: str, days: str) -> str:
    """The ISO day `days` (an SQL integer) after the ISO day `day`."""
    return f"to_char(({day})::date + ({days}), 'YYYY-MM-DD')"


def shift_day(day: str, days: int) -> str:
    """The ISO day `days` (a Python integer) after the ISO day `day`."""
    if day == "?":
        day = "?::text"
    return f"to_char(({day})::date + {days:d}, 'YYYY-MM-DD')"


def flag(column: str) -> str:
    """A 0/1 flag column as a condition."""
    return f"({column} <> 0)"


def skip_locked() -> str:
    """The end of a `SELECT` of rows to claim: rows another transaction is claiming are
    left out rather than waited for."""
    return " FOR UPDATE SKIP LOCKED"


PING = "SELECT count(*) FROM quizbot_schema"
"""The health check's query: the server answers and the schema is there."""


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


# -- session ---------------------------------------------------------------------------


@lru_cache(maxsize=2048)
def numbered(sql: str) -> str:
    """`sql` with its `?` placeholders numbered `$1`, `$2`, ... (not inside quotes)."""
    out: list[str] = []
    number = 0
    quote: str | None = None
    for char in sql:
        if quote is not None:
            if char == quote:
                quote = None
        elif char in ("'", '"'):
            quote = char
        elif char == "?":
            number += 1
            out.append(f"${number}")
            continue
        out.append(char)
    return "".join(out)


def _changed(status: str) -> int:
    """The number of rows an `INSERT 0 3` / `UPDATE 2` / `DELETE 1` status names."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class PostgresSession:
    """The statements of one unit of work, on one pooled asyncpg connection."""

    __slots__ = ("conn",)
    dialect = DIALECT

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def one(self, sql: str, params: Sequence[Any] = ()) -> asyncpg.Record | None:
        return await self.conn.fetchrow(numbered(sql), *params)

    async def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Execute a write; return the number of rows changed."""
        return _changed(await self.conn.execute(numbered(sql), *params))

    async def many(self, sql: str, params: Iterable[Sequence[Any]]) -> None:
        await self.conn.executemany(numbered(sql), [tuple(row) for row in params])

    async def all(self, sql: str, params: Sequence[Any] = ()) -> list[asyncpg.Record]:
        return await self.conn.fetch(numbered(sql), *params)

    async def far_one(self, sql: str, params: Sequence[Any] = ()) -> asyncpg.Record | None:
        return await self.conn.fetchrow(numbered(sql), *params)

    async def far_run(self, sql: str, params: Sequence[Any] = ()) -> int:
        return _changed(await self.conn.execute(numbered(sql), *params))
