"""PostgreSQL's migrations: the same versions as SQLite's, leading to the same tables,
columns and indexes; the version kept in the database; replicas starting together."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import asyncpg
import pytest

from bot.store import LATEST_VERSION, Store, migration_scripts, pgschema

# How each backend spells a column's kind of value (SQLite's declared type, PostgreSQL's
# data type), reduced to what both must agree on.
SQLITE_KINDS = {"INTEGER": "integer", "TEXT": "text", "REAL": "real"}
POSTGRES_KINDS = {"bigint": "integer", "integer": "integer", "text": "text"}
POSTGRES_KINDS["double precision"] = "real"

Column = tuple[str, str, bool, bool]
"""(name, kind, not null, part of the primary key)"""


def sqlite_layout(path: Path) -> tuple[dict[str, list[Column]], set[str]]:
    """Tables with their columns in order, and the named indexes, of a SQLite file."""
    with sqlite3.connect(path) as conn:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_schema WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        tables = {}
        for name in names:
            tables[name] = [
                (column, SQLITE_KINDS[kind.upper()], bool(notnull) or pk > 0, pk > 0)
                for _, column, kind, notnull, _, pk in conn.execute(f"PRAGMA table_info({name})")
            ]
        indexes = {
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL"
            )
        }
    return tables, indexes


async def postgres_layout(url: str) -> tuple[dict[str, list[Column]], set[str]]:
    """The same for a PostgreSQL database (the version table aside)."""
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            "SELECT c.table_name, c.column_name, c.data_type, c.is_nullable,"
            " EXISTS (SELECT 1 FROM information_schema.table_constraints t"
            "   JOIN information_schema.key_column_usage k"
            "     ON k.constraint_name = t.constraint_name AND k.table_name = t.table_name"
            "   WHERE t.table_name = c.table_name AND t.constraint_type = 'PRIMARY KEY'"
            "     AND k.column_name = c.column_name) AS pk"
            " FROM information_schema.columns c WHERE c.table_schema = 'public'"
            " ORDER BY c.table_name, c.ordinal_position"
        )
        indexes = await conn.fetch(
            "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
            " JOIN pg_namespace n ON n.oid = i.relnamespace WHERE n.nspname = 'public'"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)"
        )
    finally:
        await conn.close()
    tables: dict[str, list[Column]] = {}
    for row in rows:
        if row["table_name"] == pgschema.VERSION_TABLE:
            continue
        tables.setdefault(row["table_name"], []).append(
            (
                row["column_name"],
                POSTGRES_KINDS[row["data_type"]],
                row["is_nullable"] == "NO",
                row["pk"],
            )
        )
    return tables, {row[0] for row in indexes}


def test_postgresql_has_a_migration_for_every_sqlite_version_and_no_other() -> None:
    sqlite_versions = [version for version, _ in migration_scripts()]
    postgres_versions = [version for version, _ in pgschema.migration_scripts()]
    assert postgres_versions == sqlite_versions, (
        "every migration needs its PostgreSQL twin in bot/store/migrations/postgresql/"
    )
    assert pgschema.LATEST_VERSION == LATEST_VERSION


async def test_both_backends_migrate_to_the_same_tables_columns_and_indexes(
    tmp_path: Path, postgres_url: str
) -> None:
    store = await Store.open(tmp_path / "quizbot.db")
    await store.close()
    conn = await asyncpg.connect(postgres_url)
    try:
        assert await pgschema.migrate(conn) == LATEST_VERSION
    finally:
        await conn.close()

    sqlite_tables, sqlite_indexes = sqlite_layout(tmp_path / "quizbot.db")
    postgres_tables, postgres_indexes = await postgres_layout(postgres_url)

    assert sorted(postgres_tables) == sorted(sqlite_tables)
    for table, columns in sqlite_tables.items():
        assert postgres_tables[table] == columns, table
    assert postgres_indexes == sqlite_indexes
    assert "deliveries_daily_once" in postgres_indexes


async def test_the_version_is_kept_in_the_database_and_each_step_applies_once(
    postgres_url: str,
) -> None:
    conn = await asyncpg.connect(postgres_url)
    try:
        assert await pgschema.schema_version(conn) == 0
        assert await pgschema.migrate(conn, target=3) == 3
        assert await pgschema.schema_version(conn) == 3
        assert await conn.fetchval("SELECT to_regclass('peeks')") is None  # version 4's table
        await conn.execute(
            "INSERT INTO users (platform, external_id, display_name, created_at)"
            " VALUES ('telegram', $1, 'Ann', '2025-03-03T09:00:00.000000+00:00')",
            2**63 - 1,
        )

        assert await pgschema.migrate(conn) == LATEST_VERSION
        assert await pgschema.migrate(conn) == LATEST_VERSION  # nothing left to apply
        assert await conn.fetchval("SELECT count(*) FROM users") == 1
        assert await conn.fetchval("SELECT count(*) FROM peeks") == 0
    finally:
        await conn.close()


async def test_replicas_starting_together_migrate_once_without_errors(postgres_url: str) -> None:
    conns = [await asyncpg.connect(postgres_url) for _ in range(3)]
    try:
        reached = await asyncio.gather(*(pgschema.migrate(conn) for conn in conns))
        assert reached == [LATEST_VERSION] * 3
        assert await conns[0].fetchval(f"SELECT count(*) FROM {pgschema.VERSION_TABLE}") == 1
    finally:
        for conn in conns:
            await conn.close()


async def test_a_database_from_a_newer_bot_is_refused_untouched(postgres_url: str) -> None:
    conn = await asyncpg.connect(postgres_url)
    try:
        await pgschema.migrate(conn)
        await conn.execute(f"UPDATE {pgschema.VERSION_TABLE} SET version = version + 1")
        with pytest.raises(pgschema.PostgresSchemaTooNew, match="newer than this bot's"):
            await pgschema.migrate(conn)
        assert await pgschema.schema_version(conn) == LATEST_VERSION + 1
    finally:
        await conn.close()
