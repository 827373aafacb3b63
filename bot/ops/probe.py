"""`quizbot health`: the container's HEALTHCHECK. Exit 0 healthy, 1 not.

With `QUIZBOT_HEALTH_PORT` set it asks the running bot's `/healthz` on this machine;
without, it checks that the database opens and answers a trivial query.
"""

from __future__ import annotations

import asyncio
import sqlite3
import urllib.error
import urllib.request
from contextlib import closing
from pathlib import Path
from typing import TextIO

from bot.config import safe_url
from bot.ops.settings import OpsSettings

HEALTHY, UNHEALTHY = 0, 1
WILDCARDS = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}


def healthz_url(settings: OpsSettings) -> str:
    host = WILDCARDS.get(settings.health_host, settings.health_host)
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{settings.health_port}/healthz"


def probe(
    settings: OpsSettings, db_path: Path | str, out: TextIO, err: TextIO, *, timeout: float = 5.0
) -> int:
    if settings.health_port is None:
        if isinstance(db_path, str):
            return check_postgres(db_path, out, err)
        return check_database(db_path, out, err)
    return check_endpoint(healthz_url(settings), out, err, timeout=timeout)


def check_endpoint(url: str, out: TextIO, err: TextIO, *, timeout: float) -> int:
    # No proxies: the bot is on this machine, whatever http_proxy says.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read()
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        print(f"quizbot health: no answer from {url}: {reason}", file=err)
        return UNHEALTHY
    print(body.decode("utf-8", "replace").strip(), file=out if status == 200 else err)
    return HEALTHY if status == 200 else UNHEALTHY


def check_postgres(url: str, out: TextIO, err: TextIO) -> int:
    """The PostgreSQL database answers (no health port: the bot itself is not asked)."""
    from bot.store.pgdatabase import PostgresUnavailable, ping

    try:
        asyncio.run(ping(url))
    except PostgresUnavailable as exc:
        print(f"quizbot health: {exc}", file=err)
        return UNHEALTHY
    print(f"ok: {safe_url(url)} answers (no health port configured)", file=out)
    return HEALTHY


def check_database(db_path: Path, out: TextIO, err: TextIO) -> int:
    if not db_path.is_file():
        print(f"quizbot health: no database at {db_path} yet", file=err)
        return UNHEALTHY
    uri = f"{db_path.resolve().as_uri()}?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True, timeout=5.0)) as conn:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        print(f"quizbot health: {db_path}: {exc}", file=err)
        return UNHEALTHY
    print(f"ok: {db_path} answers (no health port configured)", file=out)
    return HEALTHY
