"""Secrets never reach a log line or a failed start's message, whatever the front end."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator

import pytest

from bot.config import ConfigError
from bot.exits import EXIT_FAILED, EXIT_USAGE, StartupFailure
from bot.ops import logs
from bot.ops.logs import REDACTED, SecretRedactor, configure_logging
from bot.startup import report

TOKEN = "123456:AAH-secret_token"


def _record(message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("x", logging.ERROR, __file__, 1, message, args or None, None)


def test_the_redactor_covers_message_arguments_and_tracebacks() -> None:
    redactor = SecretRedactor(["123:SECRET"])
    try:
        raise ValueError("calling https://api/bot123:SECRET/getMe")
    except ValueError as error:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "url %s", ("bot123:SECRET",), (ValueError, error, None)
        )
    assert redactor.filter(record)
    assert record.getMessage() == f"url bot{REDACTED}"
    assert record.exc_text is not None
    assert "SECRET" not in record.exc_text and REDACTED in record.exc_text


def test_discord_interaction_and_webhook_url_tokens_are_redacted() -> None:
    redactor = SecretRedactor(["MTIz.secret-token"])
    record = logging.LogRecord(
        "discord.http",
        logging.DEBUG,
        __file__,
        1,
        "POST %s token=%s",
        (
            "https://discord.com/api/v10/interactions/123/aW50ZXJ.ab-c_d/callback",
            "MTIz.secret-token",
        ),
        None,
    )
    try:
        raise RuntimeError("bad header Bot MTIz.secret-token")
    except RuntimeError:
        record.exc_info = sys.exc_info()

    redactor.filter(record)

    text = logging.Formatter().format(record)
    assert "secret-token" not in text and "aW50ZXJ" not in text
    assert f"/interactions/123/{REDACTED}/callback token={REDACTED}" in text
    assert f"bad header Bot {REDACTED}" in text
    assert redactor.redact("/webhooks/9/abc.DEF-1") == f"/webhooks/9/{REDACTED}"


def test_a_secret_inside_another_is_redacted_whole_and_blank_secrets_are_ignored() -> None:
    redactor = SecretRedactor(["abc", "xxabcxx", "", None])
    assert redactor.redact("key=xxabcxx and abc") == f"key={REDACTED} and {REDACTED}"


def test_stack_info_is_redacted_and_no_record_is_dropped() -> None:
    redactor = SecretRedactor([TOKEN])
    record = _record("plain")
    record.stack_info = f"Stack (most recent call last):\n  token {TOKEN}"
    assert redactor.filter(record)
    assert TOKEN not in record.stack_info and record.getMessage() == "plain"


@pytest.fixture
def restored_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    factory = logging.getLogRecordFactory()
    wrapped = logs._factory_wrapped
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.setLogRecordFactory(factory)
    logs._factory_wrapped = wrapped


def test_the_token_never_reaches_any_handler_even_one_added_later(
    restored_logging: None,
) -> None:
    configure_logging("INFO", [TOKEN])
    later = io.StringIO()
    handler = logging.StreamHandler(later)  # added after configuring: no filter of ours
    logging.getLogger().addHandler(handler)
    try:
        log = logging.getLogger("quizbot.test")
        log.info("GET https://api.telegram.org/bot%s/getMe", TOKEN)
        try:
            raise ConnectionError(f"cannot reach /bot{TOKEN}/sendMessage")
        except ConnectionError:
            log.exception("send failed")
    finally:
        logging.getLogger().removeHandler(handler)
    text = later.getvalue()
    assert TOKEN not in text
    assert f"/bot{REDACTED}/getMe" in text and f"/bot{REDACTED}/sendMessage" in text


def test_the_chatty_http_loggers_are_quietened(restored_logging: None) -> None:
    configure_logging("DEBUG", [TOKEN])
    assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)
    assert not logging.getLogger("aiosqlite").isEnabledFor(logging.INFO)


def test_a_failed_start_is_one_line_without_the_token() -> None:
    out = io.StringIO()
    code = report(ConfigError(f"rejected {TOKEN}"), [TOKEN, None], stream=out)
    assert (code, out.getvalue()) == (EXIT_USAGE, f"quizbot: rejected {REDACTED}\n")
    out = io.StringIO()
    assert report(StartupFailure("db locked"), stream=out) == EXIT_FAILED
    assert out.getvalue() == "quizbot: db locked\n"
