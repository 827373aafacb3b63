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
| `QUIZBOT_REPLICA_LEASE_SECONDS` | replicas on PostgreSQL: a daily question claimed and left unsent this long is finished by another replica | 600 |
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import time, timedelta

from bot.config import Env
from scheduler.limits import Limits

MIN_WORKERS = 4
MAX_WORKERS = 200


REPLICA_CLAIM_LEASE = timedelta(minutes=10)
"""The lease of daily claims when replicas share a database: far longer than a live
replica holds a claim before sending it."""


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
    claim_lease: timedelta = timedelta(0)
    """How long a daily claim left unsent stays its claimer's. 0 (one process): the
    claims left by a crash are finished at the next start. With replicas on one database
    (`REPLICA_CLAIM_LEASE`), any replica finishes a claim older than this, at its start
    and at every tick, so a dead replica's fan-out is finished by the others."""
    replica_lease: timedelta = REPLICA_CLAIM_LEASE
    """The `claim_lease` that `for_replicas` sets."""

    def for_replicas(self) -> SchedulerSettings:
        """These settings for one of several replicas on one database (PostgreSQL)."""
        if self.claim_lease:
            return self
        return replace(self, claim_lease=self.replica_lease)

    @property
    def worker_count(self) -> int:
        if self.workers > 0:
            return self.workers
        return max(MIN_WORKERS, min(MAX_WORKERS, math.ceil(self.limits.per_second)))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SchedulerSettings:
        read = Env(env)
        defaults = cls()

        def rate(name: str, default: float) -> float:
            return read.number(name, default, above=True)

        limits = Limits(
            per_second=rate("QUIZBOT_RATE_PER_SECOND", defaults.limits.per_second),
            per_group_per_minute=rate(
                "QUIZBOT_RATE_PER_GROUP_PER_MINUTE", defaults.limits.per_group_per_minute
            ),
            per_chat_per_second=rate(
                "QUIZBOT_RATE_PER_CHAT_PER_SECOND", defaults.limits.per_chat_per_second
            ),
        )
        return cls(
            limits=limits,
            catchup=timedelta(hours=read.number("QUIZBOT_CATCHUP_HOURS", 6.0)),
            remind_at=read.hhmm("QUIZBOT_REMIND_AT", defaults.remind_at),
            workers=int(read.number("QUIZBOT_SEND_WORKERS", 0.0)),
            send_timeout=read.number("QUIZBOT_SEND_TIMEOUT", defaults.send_timeout, above=True),
            replica_lease=timedelta(
                seconds=read.number(
                    "QUIZBOT_REPLICA_LEASE_SECONDS",
                    defaults.replica_lease.total_seconds(),
                    above=True,
                    unit="seconds",
                )
            ),
        )
