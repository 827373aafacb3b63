"""What a repository needs from a database: run a statement, get rows back.

Every repository (`bot.store.chats` ...) takes a `Session` and nothing else, so a second
database backend plugs in by supplying one (and its dialect: see `bot.store.sqlite`).
Rows are read by column name or position; repositories turn them into the typed records
of `bot.store.records` before anything leaves the data layer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


class Row(Protocol):
    """One result row: `row["column"]` or `row[0]`."""

    def __getitem__(self, key: int | str, /) -> Any: ...


@dataclass(frozen=True, slots=True)
class Dialect:
    """The SQL forms that differ between databases; each backend's module defines them
    (`bot.store.sqlite`, `bot.store.postgresql`) and its session carries them."""

    in_list: Callable[[str], str]
    ids: Callable[[Iterable[int]], Any]
    texts: Callable[[Iterable[str]], Any]
    json_rows: Callable[..., str]
    rows: Callable[[Iterable[Sequence[Any]]], str]
    later: Callable[[str, str], str]
    days_after: Callable[[str, str], str]
    shift_day: Callable[[str, int], str]
    flag: Callable[[str], str]
    skip_locked: Callable[[], str]
    ping: str
    """The health check's query: it reads the schema."""


class Session(Protocol):
    """The statements of one unit of work. `one`, `run` and `many` are for statements
    that touch a few rows by key; `all`, `far_one` and `far_run` for those that may touch
    many (a backend may run them differently, as SQLite's does)."""

    dialect: Dialect

    async def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None: ...

    async def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Execute a write; the number of rows changed."""
        ...

    async def many(self, sql: str, params: Iterable[Sequence[Any]]) -> None: ...

    async def all(self, sql: str, params: Sequence[Any] = ()) -> Sequence[Row]: ...

    async def far_one(self, sql: str, params: Sequence[Any] = ()) -> Row | None: ...

    async def far_run(self, sql: str, params: Sequence[Any] = ()) -> int: ...
