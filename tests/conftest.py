"""Shared fixtures: a real SQLite store in tmp_path, an engine over the mini deck, a fixed clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.decks.catalog import Catalog
from bot.engine.quiz import Engine
from bot.store import Store
from tests.helpers import FIXTURES


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
