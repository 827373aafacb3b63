"""The optional config file: `quizbot.toml`, for everything the environment sets.

The file is `$QUIZBOT_CONFIG` if set (it must then exist), else `./quizbot.toml` if there
is one. Each key stands for one environment variable (`KEYS`); a variable that is set
(non-empty) in the environment wins over the file. Tokens and secrets are read only
from the environment: a file that holds one is refused, so it can be committed or
shared safely. Every problem is reported at once, each as `FILE: key: message`.

Relative paths in the file (`db`, `content`, `backup.dir`) are relative to the file's
own folder, not to the working directory.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from bot.config import ConfigError

CONFIG_ENV = "QUIZBOT_CONFIG"
DEFAULT_CONFIG = Path("quizbot.toml")

Kind = Literal["text", "number", "integer", "path", "paths"]


@dataclass(frozen=True, slots=True)
class Key:
    env: str
    kind: Kind


KEYS: dict[str, Key] = {
    "db": Key("QUIZBOT_DB", "path"),
    "content": Key("QUIZBOT_CONTENT", "paths"),
    "timezone": Key("QUIZBOT_TIMEZONE", "text"),
    "push_time": Key("QUIZBOT_PUSH_TIME", "text"),
    "log_level": Key("QUIZBOT_LOG_LEVEL", "text"),
    "stop_grace": Key("QUIZBOT_STOP_GRACE", "number"),
    "telegram.api_url": Key("QUIZBOT_TELEGRAM_API_URL", "text"),
    "telegram.webhook_url": Key("QUIZBOT_WEBHOOK_URL", "text"),
    "telegram.listen": Key("QUIZBOT_WEBHOOK_LISTEN", "text"),
    "scheduler.rate_per_second": Key("QUIZBOT_RATE_PER_SECOND", "number"),
    "scheduler.rate_per_group_per_minute": Key("QUIZBOT_RATE_PER_GROUP_PER_MINUTE", "number"),
    "scheduler.rate_per_chat_per_second": Key("QUIZBOT_RATE_PER_CHAT_PER_SECOND", "number"),
    "scheduler.catchup_hours": Key("QUIZBOT_CATCHUP_HOURS", "number"),
    "scheduler.remind_at": Key("QUIZBOT_REMIND_AT", "text"),
    "scheduler.send_workers": Key("QUIZBOT_SEND_WORKERS", "integer"),
    "scheduler.send_timeout": Key("QUIZBOT_SEND_TIMEOUT", "number"),
    "scheduler.replica_lease_seconds": Key("QUIZBOT_REPLICA_LEASE_SECONDS", "number"),
    "health.port": Key("QUIZBOT_HEALTH_PORT", "integer"),
    "health.host": Key("QUIZBOT_HEALTH_HOST", "text"),
    "health.max_api_silence": Key("QUIZBOT_HEALTH_MAX_API_SILENCE", "number"),
    "backup.dir": Key("QUIZBOT_BACKUP_DIR", "path"),
    "backup.keep": Key("QUIZBOT_BACKUP_KEEP", "integer"),
    "backup.at": Key("QUIZBOT_BACKUP_AT", "text"),
}

SECRETS: dict[str, str] = {
    "telegram.token": "TELEGRAM_BOT_TOKEN",
    "telegram_bot_token": "TELEGRAM_BOT_TOKEN",
    "discord.token": "DISCORD_BOT_TOKEN",
    "discord_bot_token": "DISCORD_BOT_TOKEN",
    "telegram.webhook_secret": "QUIZBOT_WEBHOOK_SECRET",
}
"""Keys people may try for a secret, and the variable to set instead."""


@dataclass(frozen=True, slots=True)
class ConfigFile:
    path: Path
    values: dict[str, str]
    """Environment variable -> value, as the environment would hold it."""


def config_path(env: Mapping[str, str], cwd: Path | None = None) -> Path | None:
    """The config file to read: $QUIZBOT_CONFIG (must exist), else ./quizbot.toml if present."""
    named = env.get(CONFIG_ENV, "").strip()
    if named:
        path = Path(named)
        if not path.is_file():
            raise ConfigError(f"{CONFIG_ENV}: {named}: no such file")
        return path
    default = (cwd or Path.cwd()) / DEFAULT_CONFIG
    return default if default.is_file() else None


def load_config_file(path: Path) -> ConfigFile:
    """Read and check a config file; ConfigError lists every problem in it."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    problems: list[str] = []
    values: dict[str, str] = {}
    for name, value in _flatten(data):
        problem = _secret_problem(name)
        if problem is None and name not in KEYS:
            problem = _unknown(name)
        if problem is None:
            key = KEYS[name]
            try:
                values[key.env] = _check(key, _as_text(key, value, path.parent))
            except ConfigError as exc:
                problem = str(exc)
        if problem is not None:
            problems.append(f"{path}: {name}: {problem}")
    if problems:
        raise ConfigError("\n".join(problems))
    return ConfigFile(path, values)


def merged(file_values: Mapping[str, str], env: Mapping[str, str]) -> dict[str, str]:
    """The environment with the file's values under it: a non-empty variable wins."""
    result = dict(env)
    for name, value in file_values.items():
        if not result.get(name, "").strip():
            result[name] = value
    return result


def apply_config_file(
    environ: MutableMapping[str, str] | None = None, cwd: Path | None = None
) -> ConfigFile | None:
    """Find the config file and fill `environ` (os.environ) from it where unset.

    Called once at start, before any settings are read, so every part of the bot (the
    scheduler's and the ops settings too) sees the file's values as environment.
    """
    environ = os.environ if environ is None else environ
    path = config_path(environ, cwd)
    if path is None:
        return None
    loaded = load_config_file(path)
    for name, value in merged(loaded.values, environ).items():
        if environ.get(name) != value:
            environ[name] = value
    return loaded


# -- checking one value ------------------------------------------------------------------


def _flatten(data: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    items: list[tuple[str, Any]] = []
    for name, value in data.items():
        dotted = f"{prefix}{name}"
        if isinstance(value, dict):
            items.extend(_flatten(value, f"{dotted}."))
        else:
            items.append((dotted, value))
    return items


def _secret_problem(name: str) -> str | None:
    variable = SECRETS.get(name.lower())
    last = name.rsplit(".", 1)[-1].lower()
    if variable is None and ("token" in last or "secret" in last or "password" in last):
        variable = "the matching environment variable"
    if variable is None:
        return None
    return (
        f"tokens and secrets are never read from the config file; remove it and set "
        f"{variable} in the environment (or an env file) instead"
    )


def _unknown(name: str) -> str:
    close = difflib.get_close_matches(name, list(KEYS), n=1, cutoff=0.8)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown key{hint}; the keys are listed in quizbot.example.toml"


def _as_text(key: Key, value: Any, base: Path) -> str:
    """The value as an environment variable would hold it, or ConfigError."""
    if key.kind == "paths":
        items = value if isinstance(value, list) else [value]
        if not items or not all(isinstance(item, str) and item for item in items):
            raise ConfigError(f"expected a path or a list of paths, got {_shown(value)}")
        return ":".join(str(base / item) for item in items)
    if key.kind == "path":
        if not isinstance(value, str) or not value:
            raise ConfigError(f"expected a path (a string), got {_shown(value)}")
        return str(base / value)
    if key.kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"expected a whole number, got {_shown(value)}")
        return str(value)
    if key.kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"expected a number, got {_shown(value)}")
        return str(value)
    if not isinstance(value, str):
        raise ConfigError(f"expected a string, got {_shown(value)}")
    return value


def _shown(value: Any) -> str:
    kind = {bool: "a boolean", str: "a string", int: "a number", float: "a number"}
    return f"{value!r} ({kind.get(type(value), type(value).__name__)})"


def _check(key: Key, text: str) -> str:
    """Run the setting's own parser on the value, so the file and the environment accept
    exactly the same things; its message loses the variable name (the caller names the
    file and key instead)."""
    for parse in _parsers():
        try:
            parse({key.env: text})
        except ConfigError as exc:
            message = str(exc)
            prefix = f"{key.env}: "
            raise ConfigError(message.removeprefix(prefix)) from None
    return text


def _parsers() -> tuple[Callable[[Mapping[str, str]], object], ...]:
    from bot.config import Settings
    from bot.ops.settings import OpsSettings
    from scheduler.settings import SchedulerSettings

    def settings(env: Mapping[str, str]) -> object:
        return Settings.from_env(dict(env))

    return (settings, SchedulerSettings.from_env, OpsSettings.from_env)
