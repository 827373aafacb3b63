"""Consistent copies of the live database through SQLite's online backup API."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path


class BackupError(Exception):
    """The backup could not be made; the message names the file and the reason."""


async def backup_database(source: Path, destination: Path) -> Path:
    """Copy `source` to `destination` (a file, or a folder to hold a dated file).

    Safe while the bot runs: SQLite's backup API copies a consistent snapshot, pages
    changed during the copy are copied again. The copy is written beside the destination
    and renamed into place, so a failed backup never leaves half a file behind.
    """
    return await asyncio.to_thread(_backup, source, destination)


def _backup(source: Path, destination: Path) -> Path:
    if not source.is_file():
        raise BackupError(f"{source}: no database there (set QUIZBOT_DB)")
    if destination.is_dir():
        destination = destination / f"{source.stem}-backup.db"
    if destination.resolve() == source.resolve():
        raise BackupError(f"{destination}: is the live database itself")
    if not destination.parent.is_dir():
        raise BackupError(f"{destination}: the folder {destination.parent} does not exist")
    partial = destination.with_name(destination.name + ".partial")
    try:
        with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(partial)) as copy:
            live.execute("PRAGMA busy_timeout = 5000")
            live.backup(copy)
        partial.replace(destination)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"{source}: {exc}") from None
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"{destination}: {exc.strerror}") from None
    return destination
