"""Copy a SQLite database into an empty PostgreSQL one (`quizbot db migrate-to URL`).

Both are migrated to the latest schema first (the SQLite file as the bot would at its
next start), so their tables and columns are the same (a test keeps them so). Tables are
copied in the order of their references, in one PostgreSQL transaction, with ids kept
(the identities then continue after the largest); the copy counts as done only when
every table holds as many rows on both sides. A database that already holds rows is
refused: nothing there is overwritten or merged.
"""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from bot.store.database import Store
from bot.store.pgdatabase import PostgresStore, connect


class TransferError(Exception):
    """The copy was not made (or not verified); the message says why. Nothing was
    committed to the PostgreSQL database."""


@dataclass(frozen=True, slots=True)
class Copied:
    """What was copied: rows per table, in copy order."""

    rows: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        return sum(count for _, count in self.rows)


def _tables_in_reference_order(conn: sqlite3.Connection) -> list[str]:
    """The tables, each after the tables it references."""
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table'"
            " AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    needs = {
        name: {
            row[2] for row in conn.execute(f'PRAGMA foreign_key_list("{name}")') if row[2] != name
        }
        for name in names
    }
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [n for n in names if n not in ordered and needs[n] <= set(ordered)]
        if not ready:
            raise TransferError(f"tables reference each other in a cycle: {sorted(needs)}")
        ordered += ready
    return ordered


def copy_to_postgres(source: Path, url: str) -> Copied:
    """Copy the SQLite database at `source` into the empty PostgreSQL database at `url`."""
    if not source.is_file():
        raise TransferError(f"{source}: no SQLite database there (set QUIZBOT_DB to it)")
    return asyncio.run(_copy(source, f"{source.resolve().as_uri()}?mode=ro", url))


async def _copy(source: Path, read_only: str, url: str) -> Copied:
    store = await Store.open(source)  # brought to the latest schema, as a start would
    await store.close()
    target = await PostgresStore.open(url)  # migrated likewise; reports a bad URL or server
    await target.close()
    with closing(sqlite3.connect(read_only, uri=True)) as lite:
        tables = _tables_in_reference_order(lite)
        conn = await connect(url)
        try:
            async with conn.transaction():
                for table in tables:
                    if await conn.fetchval(f'SELECT EXISTS (SELECT 1 FROM "{table}")'):
                        raise TransferError(
                            f"the PostgreSQL database already holds {table}; copy only"
                            " into a new, empty database"
                        )
                copied = []
                for table in tables:
                    cursor = lite.execute(f'SELECT * FROM "{table}"')
                    columns = [d[0] for d in cursor.description]
                    rows = cursor.fetchall()
                    if rows:
                        await conn.copy_records_to_table(table, records=rows, columns=columns)
                        if "id" in columns:
                            await _continue_identity(conn, table)
                    count = await conn.fetchval(f'SELECT count(*) FROM "{table}"')
                    if count != len(rows):
                        raise TransferError(
                            f"{table}: {len(rows)} rows in SQLite, {count} copied; nothing kept"
                        )
                    copied.append((table, len(rows)))
        except (asyncpg.PostgresError, asyncpg.DataError) as error:
            raise TransferError(f"the copy failed, nothing kept: {error}") from None
        finally:
            await conn.close()
    return Copied(tuple(copied))


async def _continue_identity(conn: asyncpg.Connection, table: str) -> None:
    """New rows get ids after the copied ones (an identity column's sequence)."""
    sequence = await conn.fetchval("SELECT pg_get_serial_sequence($1, 'id')", table)
    if sequence is not None:
        await conn.execute(f'SELECT setval($1, (SELECT max(id) FROM "{table}"))', sequence)
