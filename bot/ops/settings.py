"""Settings for running the bot in production, read from the environment.

| variable | meaning | default |
|---|---|---|
| `QUIZBOT_HEALTH_PORT` | port of the `/healthz` and `/metrics` endpoint; unset: no endpoint | off |
| `QUIZBOT_HEALTH_HOST` | address the endpoint binds | `127.0.0.1` |
| `QUIZBOT_HEALTH_MAX_API_SILENCE` | while long polling, seconds without one successful Bot API call before `/healthz` fails (0: never) | 600 |
| `QUIZBOT_BACKUP_DIR` | folder for the daily automatic backup; unset: no automatic backup | off |
| `QUIZBOT_BACKUP_KEEP` | automatic backups kept (older ones are deleted) | 7 |
| `QUIZBOT_BACKUP_AT` | time of day (UTC, `HH:MM`) of the daily backup | 03:00 |
| `QUIZBOT_WEBHOOK_URL` | public HTTPS URL Telegram posts updates to; set: webhook mode | polling |
| `QUIZBOT_WEBHOOK_LISTEN` | `HOST:PORT` the webhook server binds | `0.0.0.0:8443` |
| `QUIZBOT_WEBHOOK_SECRET` | the secret Telegram sends back with every update (1-256 of `A-Z a-z 0-9 _ -`) | generated at each start |
| `QUIZBOT_STOP_GRACE` | seconds a stop (SIGTERM) lets the updates in hand finish; the rest wait in the inbox for the next start | 8 |
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from urllib.parse import urlsplit

from bot.config import ConfigError, Env

DEFAULT_HEALTH_HOST = "127.0.0.1"
DEFAULT_WEBHOOK_LISTEN = "0.0.0.0:8443"
DEFAULT_BACKUP_KEEP = 7
DEFAULT_BACKUP_AT = time(3, 0)
DEFAULT_API_SILENCE = 600.0
DEFAULT_STOP_GRACE = 8.0
"""Under Docker's 10 s between SIGTERM and SIGKILL, leaving time to close the database."""
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


@dataclass(frozen=True, slots=True)
class Listen:
    """Where a server binds."""

    host: str
    port: int

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


@dataclass(frozen=True, slots=True)
class OpsSettings:
    health_port: int | None = None
    """None: no health/metrics endpoint."""
    health_host: str = DEFAULT_HEALTH_HOST
    max_api_silence: float = DEFAULT_API_SILENCE
    """Seconds; 0 never fails the health check for a quiet API."""
    backup_dir: Path | None = None
    """None: no automatic backup."""
    backup_keep: int = DEFAULT_BACKUP_KEEP
    backup_at: time = DEFAULT_BACKUP_AT
    webhook_url: str | None = None
    """None: long polling."""
    webhook_listen: Listen = Listen("0.0.0.0", 8443)
    webhook_secret: str | None = None
    """None: a random one is made at start."""
    stop_grace: float = DEFAULT_STOP_GRACE
    """Seconds a stop waits for the updates in hand."""

    @property
    def health_enabled(self) -> bool:
        return self.health_port is not None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> OpsSettings:
        read = Env(env)
        port_text = read.text("QUIZBOT_HEALTH_PORT")
        backup_dir = read.text("QUIZBOT_BACKUP_DIR")
        webhook_url = read.text("QUIZBOT_WEBHOOK_URL")
        secret = read.text("QUIZBOT_WEBHOOK_SECRET")
        return cls(
            health_port=parse_port(port_text, "QUIZBOT_HEALTH_PORT") if port_text else None,
            health_host=read.text("QUIZBOT_HEALTH_HOST", DEFAULT_HEALTH_HOST),
            max_api_silence=read.number(
                "QUIZBOT_HEALTH_MAX_API_SILENCE", DEFAULT_API_SILENCE, unit="seconds"
            ),
            backup_dir=Path(backup_dir) if backup_dir else None,
            backup_keep=read.count("QUIZBOT_BACKUP_KEEP", DEFAULT_BACKUP_KEEP),
            backup_at=read.hhmm("QUIZBOT_BACKUP_AT", DEFAULT_BACKUP_AT),
            webhook_url=check_webhook_url(webhook_url, "QUIZBOT_WEBHOOK_URL")
            if webhook_url
            else None,
            webhook_listen=parse_listen(
                read.text("QUIZBOT_WEBHOOK_LISTEN", DEFAULT_WEBHOOK_LISTEN),
                "QUIZBOT_WEBHOOK_LISTEN",
            ),
            webhook_secret=check_secret(secret, "QUIZBOT_WEBHOOK_SECRET") if secret else None,
            stop_grace=read.number("QUIZBOT_STOP_GRACE", DEFAULT_STOP_GRACE, unit="seconds"),
        )


def parse_port(text: str, name: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise ConfigError(f"{name}: {text!r} is not a port number (1-65535)")
    return int(text)


def parse_listen(text: str, name: str) -> Listen:
    """`HOST:PORT`, `[IPv6]:PORT` or `:PORT` (all addresses)."""
    host, sep, port = text.strip().rpartition(":")
    if not sep:
        raise ConfigError(f"{name}: {text!r} is not HOST:PORT (e.g. 0.0.0.0:8443)")
    host = host.strip("[]") or "0.0.0.0"
    return Listen(host, parse_port(port, name))


def check_webhook_url(url: str, name: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ConfigError(f"{name}: {url!r} is not a URL like https://bot.example.com/telegram")
    return url


def check_secret(secret: str, name: str) -> str:
    if not _SECRET.fullmatch(secret):
        raise ConfigError(f"{name}: must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
    return secret
