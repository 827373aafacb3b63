"""A PostgreSQL server for the tests, and a fresh database on it for each test.

Where the server comes from, in order:
1. `QUIZBOT_TEST_POSTGRES`: the URL of a server to use (CI's `.ci/run` starts one and sets
   it); its user must be allowed to create databases.
2. Otherwise, when PostgreSQL's server binaries are installed (`initdb` and `pg_ctl` on
   PATH or in Debian's `/usr/lib/postgresql/*/bin`), a throwaway server started here, as
   `.ci/run` does: a temporary folder, a free loopback port, trust authentication, no
   durability (it holds only test data); run as the `postgres` user through `runuser`
   when the tests run as root (initdb refuses root). Stopped and removed at the end.
3. Otherwise the PostgreSQL tests skip, with a reason naming what is missing (and fail
   under CI, which must test PostgreSQL for real).
"""

from __future__ import annotations

import asyncio
import glob
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

ENV = "QUIZBOT_TEST_POSTGRES"
INTEGRITY_ERRORS = (sqlite3.IntegrityError, asyncpg.IntegrityConstraintViolationError)
"""A broken constraint, as either database's driver reports it."""
SERVER_OPTIONS = (
    "-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
    " -c full_page_writes=off -c max_connections=200"
)


@dataclass(frozen=True)
class Server:
    """A server the tests may create databases on: `url` points at its admin database."""

    url: str
    folder: Path | None = None
    """The server's own folder, when these tests started it."""

    def database_url(self, name: str) -> str:
        """The URL of database `name` on this server."""
        parts = urlsplit(self.url)
        return urlunsplit(parts._replace(path=f"/{name}"))

    async def create_database(self) -> str:
        """A new, empty database; its URL."""
        name = f"quizbot_test_{uuid.uuid4().hex[:12]}"
        conn = await asyncpg.connect(self.url)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        return self.database_url(name)

    async def drop_database(self, url: str) -> None:
        name = urlsplit(url).path.lstrip("/")
        conn = await asyncpg.connect(self.url)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


def server_binaries() -> Path | None:
    """The folder holding `initdb` and `pg_ctl`, or None when they are not installed."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).parent
    folders = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda folder: (
            int(Path(folder).parent.name) if Path(folder).parent.name.isdigit() else 0
        ),
    )
    for folder in reversed(folders):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def unavailable_reason() -> str | None:
    """Why no server can be had here, or None."""
    if os.environ.get(ENV):
        return None
    if server_binaries() is None:
        return (
            f"PostgreSQL tests need {ENV} (a server URL) or PostgreSQL's server binaries"
            " (initdb, pg_ctl) on PATH or in /usr/lib/postgresql/*/bin; neither is here"
        )
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            return "PostgreSQL tests run as root need `runuser` to start initdb as `postgres`"
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            return "PostgreSQL tests run as root need a `postgres` user to own the server"
    return None


@dataclass
class _Started:
    folder: Path
    binaries: Path
    as_owner: list[str]

    def stop(self) -> None:
        data = str(self.folder / "data")
        subprocess.run(
            [*self.as_owner, str(self.binaries / "pg_ctl"), "stop", "-D", data, "-m", "immediate"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def _start_server(binaries: Path) -> tuple[Server, _Started]:
    folder = Path(tempfile.mkdtemp(prefix="quizbot-test-postgres."))
    as_owner: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]
    started = _Started(folder, binaries, as_owner)
    data, log = str(folder / "data"), str(folder / "server.log")
    try:
        initdb = [str(binaries / "initdb"), "-D", data, "-U", "postgres", "-A", "trust"]
        subprocess.run(
            [*as_owner, *initdb, "-E", "UTF8", "--locale=C.UTF-8"], capture_output=True, check=True
        )
        port = _free_port()
        options = f"{SERVER_OPTIONS} -p {port} -k {folder}"
        pg_ctl = [str(binaries / "pg_ctl"), "start", "-D", data, "-w", "-l", log, "-o", options]
        subprocess.run([*as_owner, *pg_ctl], capture_output=True, check=True)
    except subprocess.CalledProcessError as error:
        details = (error.stderr or b"").decode(errors="replace")
        if (folder / "server.log").exists():
            details += (folder / "server.log").read_text(errors="replace")
        started.stop()
        raise RuntimeError(
            f"could not start a PostgreSQL server for the tests: {details}"
        ) from None
    return Server(f"postgresql://postgres@127.0.0.1:{port}/postgres", folder), started


def server_session() -> Iterator[Server | str]:
    """For a session fixture: yields the Server, or the reason there is none."""
    url = os.environ.get(ENV)
    if url:
        yield Server(url)
        return
    reason = unavailable_reason()
    binaries = server_binaries()
    if reason is not None or binaries is None:
        yield reason or "no PostgreSQL server binaries"
        return
    server, started = _start_server(binaries)  # `pg_ctl start -w`: ready when it returns
    try:
        yield server
    finally:
        started.stop()


def query(url: str, sql: str, *params: object) -> list[tuple[Any, ...]]:
    """Run one statement from plain (not async) test code, even while an event loop runs
    in this thread (it runs on a thread of its own); the rows as tuples."""

    async def run() -> list[tuple[Any, ...]]:
        conn = await asyncpg.connect(url)
        try:
            return [tuple(row) for row in await conn.fetch(sql, *params)]
        finally:
            await conn.close()

    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, run()).result()
