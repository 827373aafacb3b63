"""Settings read from the environment (see DESIGN.md for the contract), and `Env`, the one
reader of environment variables every settings class uses (the bot's, the scheduler's,
the production extras'): each mistake is a `ConfigError` that names the variable."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import i18n

DEFAULT_API_URL = "https://api.telegram.org"
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class ConfigError(ValueError):
    """A setting has a value the bot cannot use; the message names the setting."""


POSTGRES_SCHEMES = ("postgresql", "postgres")
"""`QUIZBOT_DB` values starting `postgresql://` (or `postgres://`) name a PostgreSQL database."""


def is_postgres_url(setting: str | Path) -> bool:
    """Whether a `QUIZBOT_DB` value names a PostgreSQL database (else a SQLite file)."""
    return isinstance(setting, str) and setting.split("://", 1)[0].lower() in POSTGRES_SCHEMES


def looks_like_url(setting: str) -> bool:
    """A `scheme://...` value (a SQLite file name never looks like one)."""
    scheme, sep, _ = setting.partition("://")
    return bool(sep) and scheme.replace("+", "").isalnum()


def safe_url(url: str) -> str:
    """`url` without its password (nor query), fit for any output, however malformed."""
    scheme, _, rest = url.partition("://")
    netloc, slash, path = rest.partition("/")
    userinfo, at, hostport = netloc.rpartition("@")
    user = userinfo.split(":", 1)[0]
    return f"{scheme}://{user}{at}{hostport}{slash}{path.split('?', 1)[0]}"


def url_problem(url: str) -> str | None:
    """What is wrong with a PostgreSQL URL's form, or None (no server is asked)."""
    example = "write postgresql://user:password@host:port/dbname"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as error:
        return f"not a valid URL ({error}); {example}"
    if not parts.hostname:
        return f"no host; {example}"
    if not parts.path.strip("/"):
        return f"no database name; {example}"
    return None


def database_setting(value: str) -> tuple[Path, str | None]:
    """`QUIZBOT_DB`: (the SQLite file, None), or (the default file, the PostgreSQL URL).
    A URL of another kind, or a malformed one, is a ConfigError that never shows the
    password."""
    value = value.strip()
    if looks_like_url(value):
        if not is_postgres_url(value):
            raise ConfigError(
                f"QUIZBOT_DB={safe_url(value)}: not a database this bot can use; give a"
                " SQLite file path or a postgresql://user:password@host:port/dbname URL"
            )
        if problem := url_problem(value):
            raise ConfigError(f"QUIZBOT_DB={safe_url(value)}: {problem}")
        return Path("quizbot.db"), value
    return Path(value or "quizbot.db"), None


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


class Env:
    """Typed reads of environment variables; unset and blank mean the default."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self.env: Mapping[str, str] = os.environ if env is None else env

    def text(self, name: str, default: str = "") -> str:
        return self.env.get(name, "").strip() or default

    def number(
        self,
        name: str,
        default: float,
        *,
        minimum: float = 0.0,
        unit: str = "",
        above: bool = False,
    ) -> float:
        """A finite number of at least `minimum` (more than it, with `above`), in `unit`."""
        text = self.text(name)
        if not text:
            return default
        of_unit = f" of {unit}" if unit else ""
        try:
            value = float(text)
        except ValueError:
            raise ConfigError(f"{name}: {text!r} is not a number{of_unit}") from None
        if not math.isfinite(value) or value < minimum:
            least = f"{minimum:g} or more {unit}" if unit else f"a number of at least {minimum:g}"
            raise ConfigError(f"{name}: {text!r} must be {least}")
        if above and value == minimum:
            raise ConfigError(f"{name}: must be greater than {minimum:g}")
        return value

    def count(self, name: str, default: int) -> int:
        """A whole number of at least 1."""
        text = self.text(name)
        if not text:
            return default
        if not text.isdigit() or int(text) < 1:
            raise ConfigError(f"{name}: {text!r} is not a whole number of at least 1")
        return int(text)

    def hhmm(self, name: str, default: time) -> time:
        """A time of day, `HH:MM`."""
        text = self.text(name)
        if not text:
            return default
        try:
            return parse_hhmm(text)
        except ValueError as exc:
            raise ConfigError(f"{name}: {exc}") from None


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
    language: str | None = None
    """QUIZBOT_LANG: the interface language where the platform gives none (None: unset,
    which means English for the bots; the console then looks at the locale)."""
    db_url: str | None = None
    """`QUIZBOT_DB` when it is a PostgreSQL URL (`db_path` is then unused), else None."""

    @property
    def default_language(self) -> str:
        return self.language or i18n.DEFAULT

    @property
    def database(self) -> Path | str:
        """What `QUIZBOT_DB` names: the SQLite file, or the PostgreSQL URL."""
        return self.db_url or self.db_path

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        read = Env(env)
        paths = content_paths(read.text("QUIZBOT_CONTENT"))
        timezone = read.text("QUIZBOT_TIMEZONE", "UTC")
        push_time = read.text("QUIZBOT_PUSH_TIME", "09:00")
        try:
            parse_timezone(timezone)
        except ValueError as exc:
            raise ConfigError(f"QUIZBOT_TIMEZONE: {exc}") from None
        try:
            parsed = parse_hhmm(push_time)
        except ValueError as exc:
            raise ConfigError(f"QUIZBOT_PUSH_TIME: {exc}") from None
        db_path, db_url = database_setting(read.text("QUIZBOT_DB"))
        level = read.text("QUIZBOT_LOG_LEVEL", "INFO").upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ConfigError(
                f"QUIZBOT_LOG_LEVEL: {level!r} is not one of DEBUG, INFO, WARNING, ERROR"
            )
        language = read.text("QUIZBOT_LANG")
        if language and i18n.parse(language) is None:
            raise ConfigError(
                f"QUIZBOT_LANG: {_quoted(language)} is not one of {', '.join(i18n.LANGUAGES)}"
            )
        return cls(
            telegram_token=read.text("TELEGRAM_BOT_TOKEN") or None,
            telegram_api_url=read.text("QUIZBOT_TELEGRAM_API_URL", DEFAULT_API_URL).rstrip("/"),
            discord_token=read.text("DISCORD_BOT_TOKEN") or None,
            db_path=db_path,
            content_paths=paths,
            default_timezone=timezone,
            default_push_time=parsed.strftime("%H:%M"),
            log_level=level,
            language=i18n.parse(language),
            db_url=db_url,
        )
