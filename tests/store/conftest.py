"""The store's tests run on both backends: each test taking `store` runs once on a SQLite
file and once on a PostgreSQL database, unless it is about SQLite itself: it asks for
`db_path` (it inspects the file directly) or is marked `sqlite_only`."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import Store
from bot.store.pgdatabase import PostgresStore
from tests.postgres import Server

BACKENDS = ("sqlite", "postgresql")


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
async def store(
    backend: str, db_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[Store | PostgresStore]:
    if backend == "sqlite":
        opened: Store | PostgresStore = await Store.open(db_path)
        try:
            yield opened
        finally:
            await opened.close()
        return
    server: Server = request.getfixturevalue("postgres_server")
    url = await server.create_database()
    try:
        opened = await PostgresStore.open(url)
        try:
            yield opened
        finally:
            await opened.close()
    finally:
        await server.drop_database(url)
