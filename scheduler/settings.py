"""The scheduler's settings, read from the environment.

| variable | meaning | default |
|---|---|---|
| `QUIZBOT_RATE_PER_SECOND` | messages a second overall (Telegram paid broadcast: up to 1000) | 30 |
| `QUIZBOT_RATE_PER_GROUP_PER_MINUTE` | messages a minute in one group | 20 |
| `QUIZBOT_RATE_PER_CHAT_PER_SECOND` | messages a second in one chat | 1 |
| `QUIZBOT_CATCHUP_HOURS` | a daily push missed while the bot was down is sent late if it is at most this old | 6 |
| `QUIZBOT_REMIND_AT` | local time of the evening streak reminder, `HH:MM` | 20:00 |
| `QUIZBOT_SEND_WORKERS` | concurrent sends in a fan-out | the overall rate, within 4..200 |
| `QUIZBOT_SEND_TIMEOUT` | seconds before a send counts as outcome unknown | 20 |
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta

from bot.config import ConfigError, parse_hhmm
from scheduler.limits import Limits

MIN_WORKERS = 4
MAX_WORKERS = 200


@dataclass(frozen=True, slots=True)
class SchedulerSettings:
    limits: Limits = field(default_factory=Limits)
    catchup: timedelta = timedelta(hours=6)
    """A slot whose latest fire is older than this when the bot starts is skipped."""
    remind_at: time = time(20, 0)
    workers: int = 0
    """Concurrent sends in one fan-out; 0 picks one from the overall rate."""
    send_timeout: float = 20.0
    tick_seconds: float = 60.0
    """How often reveals and reminders are checked."""
    debounce_seconds: float = 2.0
    """Schedule changes arriving within this long are applied together."""
    max_retries: int = 5
    """Rate-limited answers (RetryLater) for one message before it counts as failed."""

    @property
    def worker_count(self) -> int:
        if self.workers > 0:
            return self.workers
        return max(MIN_WORKERS, min(MAX_WORKERS, math.ceil(self.limits.per_second)))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SchedulerSettings:
        env = os.environ if env is None else env
        defaults = cls()
        limits = Limits(
            per_second=_positive(env, "QUIZBOT_RATE_PER_SECOND", defaults.limits.per_second),
            per_group_per_minute=_positive(
                env, "QUIZBOT_RATE_PER_GROUP_PER_MINUTE", defaults.limits.per_group_per_minute
            ),
            per_chat_per_second=_positive(
                env, "QUIZBOT_RATE_PER_CHAT_PER_SECOND", defaults.limits.per_chat_per_second
            ),
        )
        catchup_hours = _number(env, "QUIZBOT_CATCHUP_HOURS", 6.0, minimum=0.0)
        return cls(
            limits=limits,
            catchup=timedelta(hours=catchup_hours),
            remind_at=_hhmm(env, "QUIZBOT_REMIND_AT", defaults.remind_at),
            workers=int(_number(env, "QUIZBOT_SEND_WORKERS", 0.0, minimum=0.0)),
            send_timeout=_positive(env, "QUIZBOT_SEND_TIMEOUT", defaults.send_timeout),
        )


def _number(env: Mapping[str, str], name: str, default: float, *, minimum: float) -> float:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise ConfigError(f"{name}: {text!r} is not a number") from None
    if not math.isfinite(value) or value < minimum:
        raise ConfigError(f"{name}: {text!r} must be a number of at least {minimum:g}")
    return value


def _positive(env: Mapping[str, str], name: str, default: float) -> float:
    value = _number(env, name, default, minimum=0.0)
    if value <= 0:
        raise ConfigError(f"{name}: must be greater than 0")
    return value


def _hhmm(env: Mapping[str, str], name: str, default: time) -> time:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        return parse_hhmm(text)
    except ValueError as exc:
        raise ConfigError(f"{name}: {exc}") from None
