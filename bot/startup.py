"""Startup failures, in one place: what went wrong, what to do, in one line and an exit code.

Exit codes of every command: 0 success; 1 the work failed (the Bot API unreachable, a
busy or corrupt database, invalid decks, a failed backup); 2 the command cannot start as
set (bad usage, a missing or rejected token, a setting that points nowhere usable).

Settings mistakes are `ConfigError` (exit 2), everything else that stops a start is
`StartupFailure` (exit 1); `report` prints either as one line with every secret redacted
(the token or a webhook secret never appears, whatever an exception quotes). The checks
here turn the typed errors of the store and python-telegram-bot into those two.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.config import ConfigError
from bot.store import DatabaseUnavailable
from bot.telegram.logging import TokenRedactor

if TYPE_CHECKING:
    from bot.decks import Catalog

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
API_CHECK_TIMEOUT = 10.0
"""Seconds the start waits for the Bot API's first answer (getMe)."""


class StartupFailure(Exception):
    """Something the bot needs failed (not a setting): exit 1. The message says what to do."""


def report(
    error: ConfigError | StartupFailure,
    secrets: Iterable[str | None] = (),
    stream: TextIO | None = None,
) -> int:
    """Print `error` as `quizbot: ...` with `secrets` redacted; return its exit code."""
    redactor = TokenRedactor()
    for secret in secrets:
        redactor.add(secret or "")
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


def decks_loaded(catalog: Catalog, paths: Iterable[Path]) -> str:
    """What a start says about its decks: where from, and each deck's id and size."""
    decks = ", ".join(
        f"{deck.deck} ({len(deck.questions)} question{'' if len(deck.questions) == 1 else 's'})"
        for deck in catalog.decks
    )
    where = ", ".join(str(path) for path in paths)
    return f"decks from {where}: {decks or 'none'}"


async def check_telegram_api(token: str, api_url: str, wait: float = API_CHECK_TIMEOUT) -> None:
    """Ask the Bot API who the bot is (getMe) once; ConfigError for a rejected token or a
    wrong URL, StartupFailure if the API cannot be reached. Closes what it opened."""
    from telegram import Bot
    from telegram.error import InvalidToken, NetworkError, TelegramError

    from bot.telegram.transport import AiohttpRequest

    request = AiohttpRequest(connection_pool_size=1, read_timeout=wait, connect_timeout=wait)
    bot = Bot(token, base_url=f"{api_url}/bot", request=request)
    try:
        async with bot:  # getMe, then the transport is closed however it ends
            pass
    except InvalidToken as error:
        raise _rejected(error, api_url) from None
    except NetworkError as error:
        raise StartupFailure(
            f"cannot reach the Telegram Bot API at {api_url} ({_plain(error)});"
            " check the network, or QUIZBOT_TELEGRAM_API_URL"
        ) from None
    except TelegramError as error:
        raise StartupFailure(
            f"the Telegram Bot API at {api_url} refused to start the bot ({_plain(error)});"
            " check QUIZBOT_TELEGRAM_API_URL and TELEGRAM_BOT_TOKEN"
        ) from None


def _rejected(error: Exception, api_url: str) -> ConfigError:
    # PTB raises InvalidToken for 401 (a wrong token) and 404 (a wrong URL, or a token that
    # is not even of the right form); the server's own words tell them apart.
    cause = error.__cause__
    said = str(cause) if cause is not None else str(error)
    if "not found" in said.lower():
        return ConfigError(
            f"the Bot API at {api_url} answered 404 Not Found: check QUIZBOT_TELEGRAM_API_URL"
            " (the server's root, like https://api.telegram.org) and TELEGRAM_BOT_TOKEN's form"
        )
    return ConfigError(
        f"TELEGRAM_BOT_TOKEN was rejected by the Bot API at {api_url} ({said}): copy the"
        " token again from @BotFather (/mybots, API Token)"
    )


def _plain(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    return text.rstrip(".")
