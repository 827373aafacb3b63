"""OpsSettings: health endpoint, backups and webhook read from the environment."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from bot.config import ConfigError
from bot.ops.settings import Listen, OpsSettings, parse_listen


def test_everything_is_off_by_default() -> None:
    settings = OpsSettings.from_env({})

    assert not settings.health_enabled
    assert settings.health_host == "127.0.0.1"
    assert settings.backup_dir is None and settings.backup_keep == 7
    assert settings.backup_at == time(3, 0)
    assert settings.webhook_url is None and settings.webhook_secret is None
    assert settings.webhook_listen == Listen("0.0.0.0", 8443)


def test_values_are_read() -> None:
    settings = OpsSettings.from_env(
        {
            "QUIZBOT_HEALTH_PORT": "9100",
            "QUIZBOT_HEALTH_HOST": "0.0.0.0",
            "QUIZBOT_HEALTH_MAX_API_SILENCE": "0",
            "QUIZBOT_BACKUP_DIR": "/data/backups",
            "QUIZBOT_BACKUP_KEEP": "3",
            "QUIZBOT_BACKUP_AT": "04:30",
            "QUIZBOT_WEBHOOK_URL": "https://bot.example.com/tg",
            "QUIZBOT_WEBHOOK_LISTEN": "127.0.0.1:9443",
            "QUIZBOT_WEBHOOK_SECRET": "s3cret_-XYZ",
        }
    )

    assert settings.health_port == 9100 and settings.health_host == "0.0.0.0"
    assert settings.max_api_silence == 0
    assert settings.backup_dir == Path("/data/backups") and settings.backup_keep == 3
    assert settings.backup_at == time(4, 30)
    assert settings.webhook_url == "https://bot.example.com/tg"
    assert settings.webhook_listen == Listen("127.0.0.1", 9443)
    assert settings.webhook_secret == "s3cret_-XYZ"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("QUIZBOT_HEALTH_PORT", "http", "is not a port number"),
        ("QUIZBOT_HEALTH_PORT", "0", "is not a port number"),
        ("QUIZBOT_HEALTH_MAX_API_SILENCE", "-5", "must be 0 or more seconds"),
        ("QUIZBOT_BACKUP_KEEP", "0", "at least 1"),
        ("QUIZBOT_BACKUP_AT", "3am", "HH:MM"),
        ("QUIZBOT_WEBHOOK_URL", "bot.example.com", "is not a URL"),
        ("QUIZBOT_WEBHOOK_LISTEN", "8443", "HOST:PORT"),
        ("QUIZBOT_WEBHOOK_SECRET", "has spaces in it", "A-Z, a-z, 0-9, _ and -"),
    ],
)
def test_bad_values_name_the_variable(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=rf"^{name}: .*{message}"):
        OpsSettings.from_env({name: value})


def test_a_bad_secret_is_not_echoed() -> None:
    with pytest.raises(ConfigError) as caught:
        OpsSettings.from_env({"QUIZBOT_WEBHOOK_SECRET": "my secret!"})
    assert "my secret!" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "listen"),
    [
        ("0.0.0.0:8443", Listen("0.0.0.0", 8443)),
        (":8443", Listen("0.0.0.0", 8443)),
        ("[::]:88", Listen("::", 88)),
        ("localhost:80", Listen("localhost", 80)),
    ],
)
def test_listen_forms(text: str, listen: Listen) -> None:
    assert parse_listen(text, "X") == listen
