"""Numbered migrations: `migrations/NNNN_name.sql`, applied in order, version kept in the
database (`PRAGMA user_version`), each in its own transaction."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import aiosqlite

from bot.store.errors import SchemaTooNew


def migration_scripts() -> list[tuple[int, str]]:
    """The numbered migration files, in order: [(version, sql), ...]."""
    folder = resources.files("bot.store") / "migrations"
    scripts = []
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            scripts.append((int(name[:4]), entry.read_text(encoding="utf-8")))
    return sorted(scripts)


LATEST_VERSION = migration_scripts()[-1][0]


async def schema_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def migrate(conn: aiosqlite.Connection, path: Path, target: int | None = None) -> int:
    """Apply the migrations newer than the database, each in its own transaction, up to
    `target` (default: the latest); the version reached. The caller holds the store."""
    current = await schema_version(conn)
    if current > LATEST_VERSION:
        raise SchemaTooNew(
            path,
            f"schema version {current}, newer than this bot's"
            f" {LATEST_VERSION}; run the newer version (or restore a backup)",
        )
    for version, sql in migration_scripts():
        if version <= current or (target is not None and version > target):
            continue
        try:
            await conn.executescript(
                f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {version:d};\nCOMMIT;"
            )
        except BaseException:
            if conn.in_transaction:
                await conn.rollback()
            raise
        current = version
    return current
