"""Logging for every front end, and the one redaction of secrets: no token reaches a log.

The Telegram Bot API puts the token in every request URL, and httpx logs each URL at
INFO; Discord's webhook and interaction URLs (logged at DEBUG) carry interaction tokens;
an exception message could quote anything. Three defences: the chatty libraries' lines
are silenced, and `SecretRedactor` rewrites every record (message, arguments, exception
and stack text) before any handler sees it, both as a filter on the root handlers and
through the log record factory, so handlers added later (pytest's caplog, an error
tracker) get redacted records too. `bot.startup.report` uses the same redactor for the
one line a failed start prints.
"""

from __future__ import annotations

import logging
import re
import sys
import traceback
from collections.abc import Callable, Iterable
from typing import Any

REDACTED = "[REDACTED]"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
CHATTY_LOGGERS = ("httpx", "httpcore", "aiosqlite")
"""Libraries whose INFO/DEBUG lines carry request URLs (and so the token), or every SQL
statement's parameters (and so what people wrote)."""
URL_TOKEN = re.compile(r"(/(?:webhooks|interactions)/\d+/)[A-Za-z0-9_.\-]+")
"""Discord's webhook and interaction URLs: the part after the id is a token."""


class SecretRedactor(logging.Filter):
    """Replaces every known secret (and URL token) in text or a record with `[REDACTED]`;
    never drops a record."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        self._secrets: set[str] = set()
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str | None) -> None:
        if secret:
            self._secrets.add(secret)

    def redact(self, text: str) -> str:
        # Longest first: a secret that contains another is replaced whole.
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, REDACTED)
        return URL_TOKEN.sub(rf"\g<1>{REDACTED}", text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep what we can, redacted
            message = f"{record.msg} {record.args}"
        cleaned = self.redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


REDACTOR = SecretRedactor()
"""The process-wide redactor: a logging setting, like the root handler it sits on."""

_factory_wrapped = False


def protect_secrets(secrets: Iterable[str | None]) -> SecretRedactor:
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


def configure_logging(level: str, secrets: Iterable[str | None] = ()) -> SecretRedactor:
    """Log to stderr at `level` (QUIZBOT_LOG_LEVEL) with `secrets` redacted."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        root.addHandler(handler)
    root.setLevel(level)
    return protect_secrets(secrets)
