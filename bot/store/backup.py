"""Consistent copies of the live database through SQLite's online backup API."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing, suppress
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
        live = sqlite3.connect(source)
    except sqlite3.Error as exc:
        raise BackupError(f"{source}: cannot read the database ({exc})") from None
    with closing(live):
        try:
            copy = sqlite3.connect(partial)
        except sqlite3.Error as exc:
            _discard(partial)
            raise BackupError(f"{destination}: cannot write the backup there ({exc})") from None
        with closing(copy):
            try:
                live.execute("PRAGMA busy_timeout = 5000")
                live.backup(copy)
            except sqlite3.Error as exc:
                failed = str(exc)
            else:
                failed = ""
        if failed:
            _discard(partial)
            # The backup API reports the side that failed only in its wording.
            side = destination if _is_write_error(failed) else source
            raise BackupError(f"{side}: the backup failed ({failed})")
    try:
        partial.replace(destination)
    except OSError as exc:
        _discard(partial)
        raise BackupError(
            f"{destination}: cannot write the backup there ({exc.strerror})"
        ) from None
    return destination


def _is_write_error(message: str) -> bool:
    text = message.lower()
    return any(word in text for word in ("readonly", "read-only", "disk", "full", "unable to open"))


def _discard(partial: Path) -> None:
    """Remove a half-written copy if there is one; a place that refused it may refuse this."""
    with suppress(OSError):
        partial.unlink(missing_ok=True)
