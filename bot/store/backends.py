"""Which database `QUIZBOT_DB` names: a SQLite file (the default, `bot.store.database`) or a
PostgreSQL URL (`bot.store.pgdatabase`, for several replicas on one database). Both
offer the same units of work (`read()`, `write()`) over the same repositories."""

from __future__ import annotations

from pathlib import Path

from bot.config import is_postgres_url
from bot.store.database import Store
from bot.store.pgdatabase import PostgresStore

Database = Store | PostgresStore


async def open_database(where: Path | str, *, target: int | None = None) -> Database:
    """Open and migrate the database `where` names (a file path or a PostgreSQL URL)."""
    if isinstance(where, str) and is_postgres_url(where):
        return await PostgresStore.open(where, target=target)
    return await Store.open(where, target=target)
