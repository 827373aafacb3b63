"""Settings read from the environment (see DESIGN.md for the contract)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_API_URL = "https://api.telegram.org"
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class ConfigError(ValueError):
    """A setting has a value the bot cannot use; the message names the setting."""


def bundled_content_dir() -> Path:
    """The decks shipped with the package (installed copy first, then the source tree)."""
    package_dir = Path(__file__).resolve().parent
    installed = package_dir / "_content"
    if installed.is_dir():
        return installed
    return package_dir.parent / "content"


LOCAL_CONTENT = Path("content")
"""Decks in the working directory: read instead of the bundled ones when it holds any."""


def default_content_dir() -> Path:
    """`./content` if the working directory has one with a deck file in it (your own decks,
    or a clone's bundled ones), else the decks installed with the package."""
    if LOCAL_CONTENT.is_dir() and any(
        path.suffix in (".yaml", ".yml") for path in LOCAL_CONTENT.rglob("*")
    ):
        return LOCAL_CONTENT
    return bundled_content_dir()


def content_paths(value: str) -> tuple[Path, ...]:
    """The deck files and folders of QUIZBOT_CONTENT (joined with `:`); the default when it
    is empty. ConfigError names the variable if a path does not exist."""
    paths = tuple(Path(part) for part in value.strip().split(":") if part.strip())
    for path in paths:
        if not path.exists():
            raise ConfigError(
                f"QUIZBOT_CONTENT: {path} does not exist; set it to deck files or folders"
                " (joined with ':'), or unset it to use ./content or the bundled decks"
            )
    return paths or (default_content_dir(),)


def parse_hhmm(text: str) -> time:
    """Parse `HH:MM` (24-hour clock) or raise ValueError naming the expected form."""
    match = _HHMM.match(text.strip())
    if not match:
        raise ValueError(f"{_quoted(text.strip())} is not a time of day in HH:MM form (e.g. 09:00)")
    return time(int(match.group(1)), int(match.group(2)))


TIMEZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}")
"""The shape of an IANA zone name (`UTC`, `Europe/Berlin`, `America/Argentina/Salta`)."""
TIMEZONE_NAME_MAX = 64
"""Longer than any IANA name; longer input is refused before it reaches the file system."""


def parse_timezone(name: str) -> ZoneInfo:
    """Return the IANA zone called `name` or raise ValueError (its message quotes at most
    the start of `name`)."""
    name = name.strip()
    problem = ValueError(f"{_quoted(name)} is not an IANA timezone name (e.g. Europe/Berlin)")
    if len(name) > TIMEZONE_NAME_MAX or not TIMEZONE_NAME.fullmatch(name):
        raise problem
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise problem from None


def _quoted(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


@dataclass(frozen=True, slots=True)
class Settings:
    telegram_token: str | None
    telegram_api_url: str
    discord_token: str | None
    db_path: Path
    content_paths: tuple[Path, ...]
    default_timezone: str
    default_push_time: str
    log_level: str

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        paths = content_paths(env.get("QUIZBOT_CONTENT", ""))
        timezone = env.get("QUIZBOT_TIMEZONE", "UTC").strip() or "UTC"
        push_time = env.get("QUIZBOT_PUSH_TIME", "09:00").strip() or "09:00"
        try:
            parse_timezone(timezone)
        except ValueError as exc:
            raise ConfigError(f"QUIZBOT_TIMEZONE: {exc}") from None
        try:
            parsed = parse_hhmm(push_time)
        except ValueError as exc:
            raise ConfigError(f"QUIZBOT_PUSH_TIME: {exc}") from None
        level = env.get("QUIZBOT_LOG_LEVEL", "INFO").strip().upper() or "INFO"
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ConfigError(
                f"QUIZBOT_LOG_LEVEL: {level!r} is not one of DEBUG, INFO, WARNING, ERROR"
            )
        return cls(
            telegram_token=env.get("TELEGRAM_BOT_TOKEN", "").strip() or None,
            telegram_api_url=(
                env.get("QUIZBOT_TELEGRAM_API_URL", "").strip() or DEFAULT_API_URL
            ).rstrip("/"),
            discord_token=env.get("DISCORD_BOT_TOKEN", "").strip() or None,
            db_path=Path(env.get("QUIZBOT_DB", "").strip() or "quizbot.db"),
            content_paths=paths,
            default_timezone=timezone,
            default_push_time=parsed.strftime("%H:%M"),
            log_level=level,
        )
