"""The store's tests run on both backends: each test taking `store` (or `database`) runs
once on a SQLite file and once on a PostgreSQL database, unless it is about SQLite itself:
it asks for `db_path` (it inspects the file directly) or is marked `sqlite_only`.

`outside` reads what is committed through a connection of its own, as another process
(or another replica) would: a SQLite connection to the file, or a PostgreSQL one."""

from __future__ import annotations

import inspect
import sqlite3
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.store import Store
from bot.store.pgdatabase import PostgresStore
from bot.store.postgresql import numbered
from tests import postgres
from tests.postgres import Server

BACKENDS = ("sqlite", "postgresql")

Outside = Callable[..., list[tuple[Any, ...]]]
"""`outside(sql, *params)`: the rows (as tuples) another connection reads, `?` placeholders."""


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        asks = inspect.signature(metafunc.function).parameters
        sqlite_only = "db_path" in asks or metafunc.definition.get_closest_marker("sqlite_only")
        backends = ["sqlite"] if sqlite_only else list(BACKENDS)
        metafunc.parametrize("backend", backends, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgresql":
        request.getfixturevalue("postgres_server")  # skips, naming why, without a server
    return str(request.param)


@pytest.fixture
async def database(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[Path | str]:
    """Where the test's database is: a SQLite file (not yet created), or the URL of a new,
    empty PostgreSQL database (dropped afterwards)."""
    if backend == "sqlite":
        yield tmp_path / "quizbot.db"
        return
    server: Server = request.getfixturevalue("postgres_server")
    url = await server.create_database()
    try:
        yield url
    finally:
        await server.drop_database(url)


async def open_store(database: Path | str, target: int | None = None) -> Store | PostgresStore:
    """Open (and migrate) the store `database` names, on its backend."""
    if isinstance(database, str):
        return await PostgresStore.open(database, target=target)
    return await Store.open(database, target=target)


@pytest.fixture
async def store(database: Path | str) -> AsyncIterator[Store | PostgresStore]:
    opened = await open_store(database)
    try:
        yield opened
    finally:
        await opened.close()


def read_outside(database: Path | str, statement: str, *params: object) -> list[tuple[Any, ...]]:
    """Rows of `statement` read on a new connection of its own (committed data only)."""
    if isinstance(database, str):
        return postgres.query(database, numbered(statement), *params)
    with sqlite3.connect(database) as conn:
        return [tuple(row) for row in conn.execute(statement, params).fetchall()]


@pytest.fixture
def outside(database: Path | str) -> Outside:
    return lambda statement, *params: read_outside(database, statement, *params)


@pytest.fixture
async def other_store(
    store: Store | PostgresStore, database: Path | str
) -> AsyncIterator[Store | PostgresStore]:
    """A second store on the same database, as another replica opens it (a pool of its
    own on PostgreSQL; a connection of its own to the file on SQLite)."""
    opened = await open_store(database)
    try:
        yield opened
    finally:
        await opened.close()
