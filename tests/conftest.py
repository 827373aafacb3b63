"""Shared fixtures: a real SQLite store in tmp_path, an engine over the mini deck, a fixed clock,
and a fresh PostgreSQL database for the tests that run on PostgreSQL (see tests/postgres.py)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.decks.catalog import Catalog
from bot.engine.quiz import Engine
from bot.store import Store
from tests.helpers import FIXTURES
from tests.postgres import Server, server_session


@pytest.fixture
def now() -> datetime:
    """Monday 3 March 2025, 09:00 UTC: the fixed 'now' of every engine test."""
    return datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "quizbot.db"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(db_path)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The mini deck: latency, batching (typed), parquet (multiple choice), ml-when (zh)."""
    return Catalog.load([FIXTURES / "mini.yaml"])


@pytest.fixture
def engine(store: Store, catalog: Catalog) -> Engine:
    return Engine(store, catalog)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Server]:
    """The PostgreSQL server of this test run (skips, or fails under CI, without one)."""
    sessions = server_session()
    outcome = next(sessions)
    try:
        if isinstance(outcome, str):
            if os.environ.get("CI"):
                pytest.fail(f"CI must test PostgreSQL (.ci/run starts a server): {outcome}")
            pytest.skip(outcome)
        yield outcome
    finally:
        sessions.close()


@pytest.fixture
async def postgres_url(postgres_server: Server) -> AsyncIterator[str]:
    """The URL of a new, empty database, dropped after the test."""
    url = await postgres_server.create_database()
    try:
        yield url
    finally:
        await postgres_server.drop_database(url)
