"""What a repository needs from a database: run a statement, get rows back.

Every repository (`bot.store.chats` ...) takes a `Session` and nothing else, so a second
database backend plugs in by supplying one (and its dialect: see `bot.store.sqlite`).
Rows are read by column name or position; repositories turn them into the typed records
of `bot.store.records` before anything leaves the data layer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol


class Row(Protocol):
    """One result row: `row["column"]` or `row[0]`."""

    def __getitem__(self, key: int | str, /) -> Any: ...


class Session(Protocol):
    """The statements of one unit of work. `one`, `run` and `many` are for statements
    that touch a few rows by key; `all`, `far_one` and `far_run` for those that may touch
    many (a backend may run them differently, as SQLite's does)."""

    async def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None: ...

    async def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Execute a write; the number of rows changed."""
        ...

    async def many(self, sql: str, params: Iterable[Sequence[Any]]) -> None: ...

    async def all(self, sql: str, params: Sequence[Any] = ()) -> Sequence[Row]: ...

    async def far_one(self, sql: str, params: Sequence[Any] = ()) -> Row | None: ...

    async def far_run(self, sql: str, params: Sequence[Any] = ()) -> int: ...
