"""The running bot's shared services, as PTB's typed `bot_data`, and the context type."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from telegram.ext import CallbackContext, ExtBot

from bot.config import Settings
from bot.decks.catalog import Catalog
from bot.engine.quiz import Engine
from bot.ops.llm import LLMJudge
from bot.ops.runtime import Ops
from bot.ops.settings import OpsSettings
from bot.store.store import Store
from bot.telegram.ratelimit import CallOptions, RetryPolicy
from scheduler.limits import Limits, SendLimiter
from scheduler.service import QuizScheduler
from scheduler.settings import SchedulerSettings

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Tuning:
    """What tests and benchmarks change; production uses the defaults."""

    limits: Limits | None = None
    """Send limits; None takes the scheduler's (QUIZBOT_RATE_*)."""
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    clock: Clock = utc_now
    with_scheduler: bool = True
    scheduler: SchedulerSettings | None = None
    """None reads them from the environment."""
    ops: OpsSettings | None = None
    """Health endpoint and backups; None reads them from the environment."""


class RecentUpdates:
    """Keys of recently handled updates, to drop a repeated delivery in the same run.

    Across restarts the engine's `source_key` keeps answers single; this catches every
    other repeated update (a command, a button press) while the bot runs.
    """

    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self._keys: OrderedDict[str, None] = OrderedDict()

    def first_time(self, key: str) -> bool:
        """Record `key`; True unless it was seen before."""
        if key in self._keys:
            self._keys.move_to_end(key)
            return False
        self._keys[key] = None
        if len(self._keys) > self.capacity:
            self._keys.popitem(last=False)
        return True


class BotData:
    """PTB creates it empty; `app.build_application` sets the configuration and
    `app.on_startup` the services that need the event loop (store, engine)."""

    settings: Settings
    catalog: Catalog
    limiter: SendLimiter
    scheduler_settings: SchedulerSettings
    ops: Ops

    def __init__(self) -> None:
        self.tuning = Tuning()
        self.recent = RecentUpdates()
        self.store: Store | None = None
        self.judge: LLMJudge | None = None
        self.scheduler: QuizScheduler | None = None
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise RuntimeError("the bot has not started: no engine yet")
        return self._engine

    @engine.setter
    def engine(self, engine: Engine | None) -> None:
        self._engine = engine

    def now(self) -> datetime:
        return self.tuning.clock()


QuizBot = ExtBot[CallOptions]
QuizContext = CallbackContext[QuizBot, dict[Any, Any], dict[Any, Any], BotData]
