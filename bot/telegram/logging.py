"""Logging for the Telegram bot: the token never reaches a log line.

The Bot API puts the token in every request URL, and httpx logs each URL at INFO. Two
defences: httpx's request lines are silenced, and `TokenRedactor` rewrites every record
(message, arguments and exception text) before any handler sees it. It is installed as a
filter on the root handlers and also wraps the log record factory, so handlers added
later (pytest's caplog, an error tracker) get redacted records too.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable, Iterable
from typing import Any

REDACTED = "[REDACTED]"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
CHATTY_LOGGERS = ("httpx", "httpcore", "aiosqlite")
"""Libraries whose INFO/DEBUG lines carry request URLs (and so the token), or every SQL
statement's parameters (and so what people wrote)."""


class TokenRedactor(logging.Filter):
    """Replaces every known secret in a record with `[REDACTED]`; never drops a record."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()

    def add(self, secret: str) -> None:
        if secret:
            self._secrets.add(secret)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if self._secrets:
            self._redact_record(record)
        return True

    def _redact_record(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep what we can, redacted
            message = f"{record.msg} {record.args}"
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)


REDACTOR = TokenRedactor()
"""The process-wide redactor: a logging setting, like the root handler it sits on."""

_factory_wrapped = False


def protect_secrets(secrets: Iterable[str]) -> TokenRedactor:
    """Redact `secrets` from every log record from now on, whatever handler emits it."""
    global _factory_wrapped
    for secret in secrets:
        REDACTOR.add(secret)
    if not _factory_wrapped:
        logging.setLogRecordFactory(_redacting_factory(logging.getLogRecordFactory()))
        _factory_wrapped = True
    for handler in logging.getLogger().handlers:
        if REDACTOR not in handler.filters:
            handler.addFilter(REDACTOR)
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    return REDACTOR


def _redacting_factory(
    make_record: Callable[..., logging.LogRecord],
) -> Callable[..., logging.LogRecord]:
    def make_redacted_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        REDACTOR.filter(record)
        return record

    return make_redacted_record


def configure_logging(level: str, secrets: Iterable[str] = ()) -> None:
    """Log to stderr at `level` (QUIZBOT_LOG_LEVEL) with `secrets` redacted."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        root.addHandler(handler)
    root.setLevel(level)
    protect_secrets(secrets)
