"""PostgreSQL's numbered migrations: `migrations/postgresql/NNNN_name.sql`, the same
versions as SQLite's (`migrations/NNNN_name.sql`) in PostgreSQL's dialect, producing the
same tables and columns (a test compares them).

The version is kept in the database, in the one-row table `quizbot_schema`. Several
replicas may start at once against one database: the migrating one holds an advisory
lock on a dedicated connection and reads the version under it, so exactly one replica
applies each migration (in its own transaction) and the others find it done.
"""

from __future__ import annotations

from importlib import resources

import asyncpg

VERSION_TABLE = "quizbot_schema"
"""Where the schema version is kept (PostgreSQL has no `PRAGMA user_version`)."""

MIGRATION_LOCK = 0x7175697A626F74  # "quizbot": the advisory lock key of migrations


class PostgresSchemaTooNew(Exception):
    """The database was migrated by a newer version of the bot than this one."""

    def __init__(self, version: int, latest: int) -> None:
        super().__init__(
            f"schema version {version}, newer than this bot's {latest};"
            " run the newer version (or restore a backup)"
        )
        self.version = version
        self.latest = latest


def migration_scripts() -> list[tuple[int, str]]:
    """PostgreSQL's migration files, in order: [(version, sql), ...]."""
    folder = resources.files("bot.store") / "migrations" / "postgresql"
    scripts = []
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            scripts.append((int(name[:4]), entry.read_text(encoding="utf-8")))
    return sorted(scripts)


LATEST_VERSION = migration_scripts()[-1][0]


async def schema_version(conn: asyncpg.Connection) -> int:
    """The version the database is at; 0 for an empty one."""
    if not await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", VERSION_TABLE):
        return 0
    return int(await conn.fetchval(f"SELECT max(version) FROM {VERSION_TABLE}") or 0)


async def migrate(conn: asyncpg.Connection, target: int | None = None) -> int:
    """Apply the migrations newer than the database, each in its own transaction, up to
    `target` (default: the latest); the version reached.

    `conn` must be a dedicated connection, not one from a pool: it holds a session-level
    advisory lock meanwhile (released at the end, or when the connection closes).
    """
    await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
    try:
        # Read under the lock, outside any transaction: what another replica migrated
        # while this one waited is visible (a transaction begun before the wait would
        # still see the catalog as it was).
        current = await schema_version(conn)
        if current > LATEST_VERSION:
            raise PostgresSchemaTooNew(current, LATEST_VERSION)
        for version, sql in migration_scripts():
            if version <= current or (target is not None and version > target):
                continue
            async with conn.transaction():
                await conn.execute(sql)
                await conn.execute(
                    f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} ("
                    " id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)"
                )
                await conn.execute(
                    f"INSERT INTO {VERSION_TABLE} (id, version) VALUES (1, $1)"
                    " ON CONFLICT (id) DO UPDATE SET version = excluded.version",
                    version,
                )
            current = version
    finally:
        if not conn.is_closed():
            await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)
    return current
