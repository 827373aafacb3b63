"""Opening and closing what every front end shares: decks, database and engine."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.config import Settings
from bot.decks import Catalog
from bot.engine.quiz import Defaults, Engine
from bot.store.store import Store


@asynccontextmanager
async def open_engine(settings: Settings) -> AsyncIterator[Engine]:
    """Load and validate the decks (ContentError if any is bad), then open the database."""
    catalog = Catalog.load(settings.content_paths)
    store = await Store.open(settings.db_path)
    try:
        yield Engine(
            store,
            catalog,
            Defaults(timezone=settings.default_timezone, push_time=settings.default_push_time),
        )
    finally:
        await store.close()
