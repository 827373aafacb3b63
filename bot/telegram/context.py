"""The running bot's shared services, as PTB's typed `bot_data`, and the context type."""

from __future__ import annotations

from collections import OrderedDict
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from telegram import Update
from telegram.ext import CallbackContext, ExtBot
from telegram.request import BaseRequest

from bot.config import Settings
from bot.decks.catalog import Catalog
from bot.engine.clock import Clock, utc_now
from bot.engine.quiz import Engine
from bot.ops.runtime import Ops
from bot.ops.settings import OpsSettings
from bot.store import Store
from bot.telegram.inbox import UpdateInbox
from bot.telegram.ratelimit import CallOptions, RetryPolicy
from scheduler.limits import Limits, SendLimiter
from scheduler.service import QuizScheduler
from scheduler.settings import SchedulerSettings


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
    quiz_cooldown: timedelta = timedelta(seconds=30)
    """How long a group member waits between two /quiz of their own."""


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


class Cooldown:
    """At most one go per key within `period` (a member's /quiz in a group)."""

    def __init__(self, period: timedelta, capacity: int = 10_000) -> None:
        self.period = period
        self.capacity = capacity
        self._last: OrderedDict[tuple[int, int], datetime] = OrderedDict()

    def allow(self, key: tuple[int, int], now: datetime) -> bool:
        """True (and the period starts again) unless `key` had a go within the period."""
        last = self._last.get(key)
        if last is not None and now - last < self.period:
            return False
        self._last[key] = now
        self._last.move_to_end(key)
        if len(self._last) > self.capacity:
            self._last.popitem(last=False)
        return True


class BotData:
    """PTB creates it empty; `app.build_application` sets the configuration and
    `app._on_startup` the services that need the event loop (store, engine)."""

    settings: Settings
    catalog: Catalog
    limiter: SendLimiter
    scheduler_settings: SchedulerSettings
    ops: Ops

    def __init__(self) -> None:
        self.tuning = Tuning()
        self.recent = RecentUpdates()
        self.quiz_cooldown = Cooldown(self.tuning.quiz_cooldown)
        self.store: Store | None = None
        self.resources = AsyncExitStack()
        """What `open_engine` opened in post_init, closed in post_shutdown."""
        self.scheduler: QuizScheduler | None = None
        self._engine: Engine | None = None
        self.updates_request: BaseRequest | None = None
        """The getUpdates transport (its own connections, apart from the sends')."""
        self.inbox: UpdateInbox | None = None
        self.failed_updates: set[int] = set()
        """Updates whose handler failed unexpectedly (set by the error handler, read and
        cleared by the inbox, which sets them aside)."""

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

    def left_unfinished(self, update: Update) -> bool:
        """Whether the last run stored this update but stopped before finishing it: an
        answer it recorded then may never have had its feedback."""
        return self.inbox is not None and update.update_id in self.inbox.replayed


QuizBot = ExtBot[CallOptions]
QuizContext = CallbackContext[QuizBot, dict[Any, Any], dict[Any, Any], BotData]
