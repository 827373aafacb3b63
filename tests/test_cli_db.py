"""`quizbot db migrate-to URL`, the real command in a subprocess: a SQLite database copied
into an empty PostgreSQL one, every table's row count checked; the password never shown;
a second copy, or a bad URL, refused with one line and nothing changed. A PostgreSQL
`QUIZBOT_DB` the bot cannot use is one line naming the setting, without the password."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from bot.store import LATEST_VERSION, Store, pgbackup
from bot.store.backup import BackupError
from bot.store.pgdatabase import PostgresStore
from tests.postgres import Server, query
from tests.store.test_migrations import SEED
from tests.test_cli_content import clean_env

PASSWORD = "pw-never-shown"


def with_password(url: str) -> str:
    parts = urlsplit(url)
    netloc = f"{parts.username}:{PASSWORD}@{parts.hostname}:{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def quizbot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=clean_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )


def sqlite_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {name: conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in names}


def postgres_counts(url: str, tables: list[str]) -> dict[str, int]:
    return {table: query(url, f"SELECT count(*) FROM {table}")[0][0] for table in tables}


def seeded_sqlite(tmp_path: Path) -> Path:
    """A database at the latest version with representative rows in every table."""
    path = tmp_path / "quizbot.db"

    async def migrate() -> None:
        await (await Store.open(path)).close()

    asyncio.run(migrate())
    with sqlite3.connect(path) as conn:
        conn.executescript(SEED[LATEST_VERSION])
    return path


def test_migrate_to_copies_every_table_checks_the_counts_and_refuses_a_second_copy(
    tmp_path: Path, postgres_server: Server
) -> None:
    source = seeded_sqlite(tmp_path)
    counts = sqlite_counts(source)
    assert all(counts.values()), counts  # every table has rows to copy
    url = asyncio.run(postgres_server.create_database())
    try:
        done = quizbot(tmp_path, "db", "migrate-to", with_password(url), QUIZBOT_DB=str(source))

        assert done.returncode == 0, done.stderr
        assert PASSWORD not in done.stdout + done.stderr
        assert "count checked" in done.stdout
        assert postgres_counts(url, list(counts)) == counts
        assert query(url, "SELECT external_id FROM users ORDER BY id")[0][0] == 2**63 - 1
        # New rows get ids after the copied ones.
        new_id = query(
            url,
            "INSERT INTO users (platform, external_id, display_name, created_at)"
            " VALUES ('telegram', 5, 'New', 'now') RETURNING id",
        )[0][0]
        assert new_id > max(
            row[0] for row in query(url, "SELECT id FROM users WHERE external_id <> 5")
        )

        again = quizbot(tmp_path, "db", "migrate-to", with_password(url), QUIZBOT_DB=str(source))

        assert again.returncode == 1
        assert "already holds" in again.stderr and len(again.stderr.strip().splitlines()) == 1
        assert PASSWORD not in again.stdout + again.stderr
        counts["users"] += 1
        assert postgres_counts(url, list(counts)) == counts
    finally:
        asyncio.run(postgres_server.drop_database(url))


def test_a_bad_postgresql_url_is_one_line_naming_it_without_the_password(tmp_path: Path) -> None:
    bad_port = f"postgresql://quiz:{PASSWORD}@127.0.0.1:notaport/quizbot"
    refused = quizbot(tmp_path, "db", "migrate-to", bad_port)
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr
    assert PASSWORD not in refused.stderr and "postgresql://quiz@" in refused.stderr

    for setting, words in (
        (bad_port, "QUIZBOT_DB=postgresql://"),
        (f"mysql://quiz:{PASSWORD}@127.0.0.1/quizbot", "QUIZBOT_DB=mysql://"),
        (f"postgresql://quiz:{PASSWORD}@127.0.0.1:1/quizbot", "QUIZBOT_DB=postgresql://quiz@"),
    ):
        result = quizbot(tmp_path, "console", QUIZBOT_DB=setting)
        assert result.returncode != 0, setting
        assert words in result.stderr, result.stderr
        assert "Traceback" not in result.stderr and PASSWORD not in result.stdout + result.stderr
        assert result.stderr.strip().count("\n") == 0, result.stderr


def test_backup_of_a_postgresql_database_is_a_pg_dump(
    tmp_path: Path, postgres_server: Server
) -> None:
    url = asyncio.run(postgres_server.create_database())
    try:
        made = quizbot(tmp_path, "backup", str(tmp_path), QUIZBOT_DB=with_password(url))
    finally:
        asyncio.run(postgres_server.drop_database(url))
    assert made.returncode == 0, made.stderr
    [dump] = tmp_path.glob("*-backup.dump")
    assert dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    assert PASSWORD not in made.stdout + made.stderr


def test_without_pg_dump_a_postgresql_backup_says_how_to_make_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pgbackup, "find_pg_dump", lambda: None)
    url = f"postgresql://quiz:{PASSWORD}@db.example:5432/quizbot"
    with pytest.raises(BackupError) as refused:
        asyncio.run(pgbackup.backup_postgres(url, tmp_path))
    assert "pg_dump -Fc -f" in str(refused.value)
    assert "postgresql://quiz@db.example:5432/quizbot" in str(refused.value)
    assert PASSWORD not in str(refused.value)
    assert list(tmp_path.iterdir()) == []


def test_health_without_a_port_asks_the_postgresql_database(
    tmp_path: Path, postgres_server: Server
) -> None:
    url = asyncio.run(postgres_server.create_database())
    try:

        async def migrate() -> None:
            await (await PostgresStore.open(url)).close()

        asyncio.run(migrate())
        healthy = quizbot(tmp_path, "health", QUIZBOT_DB=with_password(url))
    finally:
        asyncio.run(postgres_server.drop_database(url))
    assert healthy.returncode == 0, healthy.stderr
    assert "answers" in healthy.stdout and PASSWORD not in healthy.stdout

    unreachable = f"postgresql://quiz:{PASSWORD}@127.0.0.1:1/quizbot"
    sick = quizbot(tmp_path, "health", QUIZBOT_DB=unreachable)
    assert sick.returncode == 1
    assert sick.stderr.count("\n") == 1 and "Traceback" not in sick.stderr
    assert "postgresql://quiz@127.0.0.1:1/quizbot" in sick.stderr and PASSWORD not in sick.stderr
