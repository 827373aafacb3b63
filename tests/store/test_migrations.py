"""Numbered migrations: applied at start, version kept in the database, nothing lost.

Adding a migration N means adding SEED[N] below: representative rows, in plain SQL valid
at version N on both databases, for every table that exists at N. The upgrade test then
checks that a database at every version migrates to the latest with all of those rows
intact, on SQLite and on PostgreSQL (whose twin migrations are in
bot/store/migrations/postgresql/).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import asyncpg
import pytest

from bot.store import LATEST_VERSION, SchemaTooNew, Store, migration_scripts, pgschema
from tests.store.conftest import open_store

T = "2025-03-03T09:00:00.000000+00:00"
BIG = 2**63 - 1
SUPERGROUP = -1001234567890

CHATS_1 = f"""
    INSERT INTO chats (id, platform, external_id, kind, title, timezone, push_time,
        reveal_after_minutes, question_filter, thread_id, owner_id, subscribed, active, created_at)
    VALUES (1, 'telegram', {BIG}, 'private', '', 'Europe/Berlin', '07:30', 240, 'latency',
            NULL, 1, 1, 1, '{T}'),
           (2, 'telegram', {SUPERGROUP}, 'group', 'Study group', 'UTC', '09:00', 60, NULL,
            {BIG}, NULL, 1, 1, '{T}');
"""
CHATS_8 = f"""
    INSERT INTO chats (id, platform, external_id, kind, title, timezone, push_time,
        thread_id, owner_id, subscribed, active, created_at)
    VALUES (1, 'telegram', {BIG}, 'private', '', 'Europe/Berlin', '07:30', NULL, 1, 1, 1, '{T}'),
           (2, 'telegram', {SUPERGROUP}, 'group', 'Study group', 'UTC', '09:00', {BIG}, NULL,
            1, 1, '{T}');
"""
"""The chats of SEED[1], and of SEED[8] on (migration 8 dropped two columns)."""

SEED: dict[int, str] = {
    1: f"""
    INSERT INTO users (id, platform, external_id, display_name, timezone, reminders,
        current_streak, longest_streak, last_active_day, freezes, created_at)
    VALUES (1, 'telegram', {BIG}, 'Ann', 'Europe/Berlin', 1, 8, 12, '2025-03-03', 1, '{T}'),
           (2, 'discord', {BIG}, 'Ben', NULL, 0, 0, 0, NULL, 0, '{T}');
{CHATS_1}    INSERT INTO streak_freezes (user_id, day) VALUES (1, '2025-03-01');
    INSERT INTO deliveries (id, chat_id, question_id, kind, local_day, asked_by, status,
        claimed_at, sent_at, message_id, thread_id, poll_id, reveal_at, revealed_at, closed_at)
    VALUES (1, 1, 'mini-latency', 'daily', '2025-03-03', NULL, 'sent', '{T}', '{T}', {BIG},
            NULL, NULL, NULL, NULL, '{T}'),
           (2, 2, 'mini-parquet', 'asked', '2025-03-03', 1, 'sent', '{T}', '{T}', 77, {BIG},
            '5432109876543210', '{T}', '{T}', '{T}');
    INSERT INTO attempts (id, user_id, chat_id, question_id, delivery_id, source_key, answer,
        score, covered, points, local_day, answered_at)
    VALUES (1, 1, 1, 'mini-latency', 1, 'msg:{BIG}', 'p99 and outliers', 1.0, '[0, 1]', 15,
            '2025-03-03', '{T}'),
           (2, 1, 2, 'mini-parquet', 2, 'poll:5432109876543210:{BIG}', 'Column-major', 1.0,
            '[]', 10, '2025-03-03', '{T}');
    INSERT INTO scores (chat_id, period, user_id, points, reached_at)
    VALUES (2, 'all', 1, 10, '{T}'), (2, 'week:2025-03-03', 1, 10, '{T}');
    INSERT INTO cards (user_id, question_id, card, due)
    VALUES (1, 'mini-latency', '{{"card_id": 1, "state": 2}}', '{T}');
    INSERT INTO reviews (id, user_id, question_id, attempt_id, proposed_rating, rating,
        rated_by_user, card_before, card_after, reviewed_at)
    VALUES (1, 1, 'mini-latency', 1, 3, 4, 1, NULL, '{{"card_id": 1}}', '{T}');
    """,
}
SEED[2] = SEED[1] + "UPDATE users SET reminded_day = '2025-03-02' WHERE id = 1;"
SEED[3] = SEED[2] + "UPDATE chats SET recap_week = '2025-02-24' WHERE id = 2;"
SEED[4] = SEED[3] + f"INSERT INTO peeks (delivery_id, user_id, peeked_at) VALUES (1, 1, '{T}');"
SEED[5] = SEED[4] + f"INSERT INTO health_probe (id, written_at) VALUES (1, '{T}');"
SEED[6] = SEED[5] + (
    'UPDATE chats SET decks = \'["*", "own:1"]\' WHERE id = 2;'
    " INSERT INTO own_decks (id, owner_id, deck, title, source, body, questions, created_at,"
    f" updated_at) VALUES (1, 1, 'notes', 'My notes', 'notes.md', 'deck: notes', 3, '{T}',"
    f" '{T}');"
)
SEED[7] = SEED[6] + (
    "INSERT INTO inbox (update_id, kind, payload, status, received_at, finished_at)"
    f" VALUES (1, 'message', '{{\"update_id\": 1}}', 'pending', '{T}', NULL),"
    f" ({BIG}, 'poll', '', 'done', '{T}', '{T}');"
)
SEED[8] = SEED[7].replace(CHATS_1, CHATS_8)
SEED[9] = SEED[8] + (
    "UPDATE users SET language = 'zh' WHERE id = 1; UPDATE chats SET language = 'en' WHERE id = 2;"
)
SEED[10] = SEED[9] + "UPDATE chats SET question_languages = 'zh' WHERE id = 1;"
SEED[11] = (
    SEED[10] + "INSERT INTO send_pace (platform, next_at) VALUES ('telegram', 1741000000.25);"
)

DROPPED: dict[int, dict[str, tuple[str, ...]]] = {
    8: {"chats": ("question_filter", "reveal_after_minutes")},
}
"""Columns a migration drops on purpose (nothing could ever set them), by version."""

VERSIONS = [version for version, _ in migration_scripts()]


def tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " ORDER BY name"
    )
    return [row[0] for row in rows]


Contents = dict[str, tuple[list[str], list[tuple[object, ...]]]]


def contents(conn: sqlite3.Connection) -> Contents:
    """Every table's column names and rows (sorted, so row order does not matter)."""
    found = {}
    for table in tables(conn):
        cursor = conn.execute(f'SELECT * FROM "{table}"')
        columns = [d[0] for d in cursor.description]
        found[table] = (columns, sorted(cursor.fetchall(), key=repr))
    return found


async def seeded(database: Path | str, script: str) -> Contents:
    """Run `script` on the database, outside the store; then every table's contents."""
    if isinstance(database, Path):
        with sqlite3.connect(database) as conn:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.executescript(script)
            return contents(conn)
    conn = await asyncpg.connect(database)
    try:
        await conn.execute(script)
        return await postgres_contents(conn)
    finally:
        await conn.close()


async def contents_of(database: Path | str) -> Contents:
    if isinstance(database, Path):
        with sqlite3.connect(database) as conn:
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            return contents(conn)
    conn = await asyncpg.connect(database)
    try:
        return await postgres_contents(conn)
    finally:
        await conn.close()


async def postgres_contents(conn: asyncpg.Connection) -> Contents:
    names = await conn.fetch(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        " AND table_name <> $1 ORDER BY table_name",
        pgschema.VERSION_TABLE,
    )
    found: Contents = {}
    for (table,) in names:
        columns = [
            row[0]
            for row in await conn.fetch(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
                table,
            )
        ]
        rows = [tuple(row) for row in await conn.fetch(f'SELECT * FROM "{table}"')]
        found[table] = (columns, sorted(rows, key=repr))
    return found


def test_migrations_are_numbered_from_one_without_gaps() -> None:
    assert list(range(1, len(VERSIONS) + 1)) == VERSIONS
    assert VERSIONS[-1] == LATEST_VERSION


def test_every_version_has_seed_rows_for_the_upgrade_test() -> None:
    assert sorted(SEED) == VERSIONS, "add SEED[N] for the new migration N"


async def test_a_new_database_is_created_at_the_latest_version(db_path: Path) -> None:
    store = await Store.open(db_path)
    try:
        assert await store.schema_version() == LATEST_VERSION
    finally:
        await store.close()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION


async def test_opening_twice_applies_nothing_twice(database: Path | str) -> None:
    for _ in range(2):
        store = await open_store(database)
        assert await store.schema_version() == LATEST_VERSION
        await store.close()


@pytest.mark.parametrize("version", VERSIONS)
async def test_a_database_at_any_version_upgrades_to_the_latest_keeping_its_rows(
    database: Path | str, version: int
) -> None:
    early = await open_store(database, target=version)
    try:
        assert await early.schema_version() == version
    finally:
        await early.close()
    before = await seeded(database, SEED[version])
    empty = [table for table, (_, rows) in before.items() if not rows]
    assert not empty, f"SEED[{version}] has no rows for {empty}"

    store = await open_store(database)
    try:
        assert await store.schema_version() == LATEST_VERSION
    finally:
        await store.close()

    after = await contents_of(database)
    for table, (columns, rows) in before.items():
        assert table in after, f"table {table} was lost"
        new_columns, new_rows = after[table]
        gone = {c for v, drops in DROPPED.items() if v > version for c in drops.get(table, ())}
        assert not gone & set(new_columns), f"{table} still has {gone & set(new_columns)}"
        wanted = [i for i, column in enumerate(columns) if column not in gone]
        keep = [new_columns.index(columns[i]) for i in wanted]  # fails if another column went
        kept = sorted((tuple(row[i] for i in keep) for row in new_rows), key=repr)
        expected = sorted((tuple(row[i] for i in wanted) for row in rows), key=repr)
        assert kept == expected, f"rows of {table} changed"


async def test_the_chat_settings_nothing_could_set_are_dropped_and_the_rest_kept(
    tmp_path: Path,
) -> None:
    path = tmp_path / "at-7.db"
    await (await Store.open(path, target=7)).close()
    with sqlite3.connect(path) as conn:
        conn.executescript(SEED[7])
    store = await Store.open(path)
    try:
        async with store.read() as tx:
            group = await tx.chats.find("telegram", SUPERGROUP)
    finally:
        await store.close()
    assert group is not None
    assert (group.title, group.push_time, group.thread_id, group.subscribed) == (
        "Study group",
        "09:00",
        BIG,
        1,
    )
    with sqlite3.connect(path) as conn:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(chats)")}
    assert not columns & {"question_filter", "reveal_after_minutes"}


async def test_a_database_from_a_newer_bot_is_refused(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA user_version = 9999")
    with pytest.raises(SchemaTooNew, match="9999"):
        await Store.open(db_path)
