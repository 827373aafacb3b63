"""Startup failures, said once: what went wrong and what to do, in one line.

Settings mistakes are `ConfigError` (exit 2), everything else that stops a start is
`StartupFailure` (exit 1; the codes are in `bot.exits`); `report` prints either as one
line with every secret redacted (the token or a webhook secret never appears, whatever an
exception quotes). `database_problem` turns the store's typed error into one of the two;
`bot.telegram.apicheck` does the same for the Bot API's first answer.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TextIO

from bot.config import ConfigError
from bot.exits import EXIT_FAILED, EXIT_USAGE, StartupFailure
from bot.ops.logs import SecretRedactor
from bot.store import DatabaseUnavailable


def report(
    error: ConfigError | StartupFailure,
    secrets: Iterable[str | None] = (),
    stream: TextIO | None = None,
) -> int:
    """Print `error` as `quizbot: ...` with `secrets` redacted; return its exit code."""
    redactor = SecretRedactor(secrets)
    print(f"quizbot: {redactor.redact(str(error))}", file=stream or sys.stderr)
    return EXIT_USAGE if isinstance(error, ConfigError) else EXIT_FAILED


def database_problem(error: DatabaseUnavailable) -> ConfigError | StartupFailure:
    """The line for a database that cannot be opened, naming QUIZBOT_DB and the fix."""
    path, detail = error.path, error.detail
    reason = error.reason
    if reason == DatabaseUnavailable.MISSING_FOLDER:
        return ConfigError(
            f"QUIZBOT_DB={path}: the folder {path.parent} does not exist;"
            " create it or point QUIZBOT_DB at a file in an existing folder"
        )
    if reason == DatabaseUnavailable.IS_DIRECTORY:
        return ConfigError(
            f"QUIZBOT_DB={path} is a directory; point QUIZBOT_DB at a database file,"
            f" e.g. QUIZBOT_DB={path / 'quizbot.db'}"
        )
    if reason in (DatabaseUnavailable.CANNOT_OPEN, DatabaseUnavailable.NOT_WRITABLE):
        return ConfigError(
            f"QUIZBOT_DB={path}: cannot create or write the database there ({detail});"
            " point QUIZBOT_DB at a writable place"
        )
    if reason == DatabaseUnavailable.NOT_A_DATABASE:
        return StartupFailure(
            f"QUIZBOT_DB={path} is not a quizbot database ({detail});"
            " restore it from a backup, or point QUIZBOT_DB at a new file"
        )
    if reason == DatabaseUnavailable.LOCKED:
        return StartupFailure(
            f"QUIZBOT_DB={path} is locked by another program ({detail});"
            " stop whatever holds it (another quizbot?) and start again"
        )
    if reason == DatabaseUnavailable.TOO_NEW:
        return StartupFailure(f"QUIZBOT_DB={path}: {detail}")
    return StartupFailure(f"QUIZBOT_DB={path}: cannot open the database ({detail})")
