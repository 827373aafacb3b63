"""Backups of a PostgreSQL database: `pg_dump`'s custom format, restored with `pg_restore`.

`quizbot backup DEST` calls `pg_dump` when it is installed (it must be as new as the
server), else it says how to run it. The password travels in `PGPASSWORD`, never on the
command line nor in any message. As with SQLite's backups, the dump is written beside
the destination and renamed into place, so a failed one leaves no half file behind.
"""

from __future__ import annotations

import asyncio
import glob
import os
import shutil
import subprocess
from contextlib import suppress
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from bot.config import safe_url
from bot.store.backup import BackupError

DUMP_TIMEOUT_S = 3600.0


def find_pg_dump() -> str | None:
    """`pg_dump` on PATH, else the newest in Debian's /usr/lib/postgresql/*/bin."""
    found = shutil.which("pg_dump")
    if found:
        return found
    installed = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_dump"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    return installed[-1] if installed else None


async def backup_postgres(url: str, destination: Path) -> Path:
    """Dump the database at `url` to `destination` (a file, or a folder for a named one)."""
    return await asyncio.to_thread(_dump, url, destination)


def _dump(url: str, destination: Path) -> Path:
    shown = safe_url(url)
    name = urlsplit(url).path.strip("/") or "quizbot"
    if destination.is_dir():
        destination = destination / f"{name}-backup.dump"
    if not destination.parent.is_dir():
        raise BackupError(f"{destination}: the folder {destination.parent} does not exist")
    pg_dump = find_pg_dump()
    if pg_dump is None:
        raise BackupError(
            f"{shown}: a PostgreSQL database is backed up with pg_dump, which is not"
            " installed here (Debian: apt install postgresql-client); or run it where it"
            f" is: pg_dump -Fc -f {destination} '{shown}'"
        )
    parts = urlsplit(url)
    env = dict(os.environ)
    if parts.password is not None:
        env["PGPASSWORD"] = unquote(parts.password)
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    dsn = urlunsplit((parts.scheme, f"{user}{parts.hostname}{port}", parts.path, parts.query, ""))
    partial = destination.with_name(destination.name + ".partial")
    try:
        result = subprocess.run(
            [pg_dump, "--format=custom", "--file", str(partial), "--dbname", dsn],
            env=env,
            capture_output=True,
            text=True,
            timeout=DUMP_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        _discard(partial)
        raise BackupError(f"{shown}: pg_dump could not run ({error})") from None
    if result.returncode != 0:
        _discard(partial)
        words = (result.stderr.strip().splitlines() or ["no message"])[-1]
        if parts.password:
            words = words.replace(parts.password, "…")
        raise BackupError(f"{shown}: pg_dump failed ({words})")
    try:
        partial.replace(destination)
    except OSError as error:
        _discard(partial)
        raise BackupError(
            f"{destination}: cannot write the backup there ({error.strerror})"
        ) from None
    return destination


def _discard(partial: Path) -> None:
    with suppress(OSError):
        partial.unlink(missing_ok=True)
