"""What every running front end shares, opened and closed in one place.

`open_engine` loads and checks the decks, opens the database and gives the engine (with
the optional LLM judge and, for the chat bots, answer metrics); Telegram, Discord and the
console all use it. `Ops` is the production extras of a chat bot, whatever its platform:
the health and metrics endpoint, and the daily automatic backup, each off unless
configured.

    ops = Ops(OpsSettings.from_env(), settings.database)
    ... ops.metrics goes to the adapter's hooks and the scheduler's sender ...
    await ops.start(database=store_check(store), scheduler_running=..., platform="telegram",
                    mode="polling")
    ...
    await ops.stop()
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

from bot.config import Settings
from bot.decks import Catalog
from bot.engine.clock import Clock, utc_now
from bot.engine.grading import warm_up
from bot.engine.owndecks import load_own_decks
from bot.engine.quiz import Defaults, Engine
from bot.ops.backups import DailyBackup
from bot.ops.engine import MeteredEngine
from bot.ops.health import HealthServer, HealthSources
from bot.ops.llm import LLMJudge, LLMSettings
from bot.ops.metrics import Metrics, PrometheusMetrics
from bot.ops.settings import OpsSettings
from bot.store import Store
from bot.store.backends import open_database
from bot.store.pglock import BACKUP_LOCK, OwnerLock

log = logging.getLogger(__name__)


def decks_loaded(catalog: Catalog, paths: Iterable[Path]) -> str:
    """What a start says about its decks: where from, and each deck's id and size."""
    decks = ", ".join(
        f"{deck.deck} ({len(deck.questions)} question{'' if len(deck.questions) == 1 else 's'})"
        for deck in catalog.decks
    )
    where = ", ".join(str(path) for path in paths)
    return f"decks from {where}: {decks or 'none'}"


@asynccontextmanager
async def open_engine(
    settings: Settings, metrics: Metrics | None = None, catalog: Catalog | None = None
) -> AsyncIterator[Engine]:
    """Load and validate the decks (ContentError if any is bad), then open the database;
    close both (and the judge) on the way out.

    With `metrics`, the engine counts the answers it records (`bot.ops.engine`). With
    `catalog`, those decks are used as loaded (Telegram loads them before its event loop
    starts, so a bad deck stops it before anything runs)."""
    if catalog is None:
        catalog = Catalog.load(settings.content_paths)
        log.info("%s", decks_loaded(catalog, settings.content_paths))
    warm_up()  # the grader's embeddings: read now, not at the first answer
    judge = open_judge()
    store = await open_database(settings.database)
    defaults = Defaults(timezone=settings.default_timezone, push_time=settings.default_push_time)
    try:
        if metrics is not None:
            engine: Engine = MeteredEngine(store, catalog, defaults, metrics=metrics, judge=judge)
        else:
            engine = Engine(store, catalog, defaults, judge=judge)
        await load_own_decks(engine)
        freeze_start_up_heap()
        yield engine
    finally:
        await store.close()
        if judge is not None:
            await judge.close()


def freeze_start_up_heap() -> None:
    """Take what start-up built out of the cyclic garbage collector's sight, once per
    process: the decks, the grader's vocabulary and the libraries live as long as the
    process, yet every full collection walked all of them again (about 60 ms on this
    bot, a pause every few seconds under load, which answers waited through). Objects
    made later are collected as before. Once: a process that opens engines again (the
    tests) keeps the first start-up's objects only."""
    if gc.get_freeze_count():  # frozen already, at this process's first start-up
        return
    gc.collect()  # what start-up left as garbage goes first, rather than staying forever
    gc.freeze()


def open_judge() -> LLMJudge | None:
    """The optional LLM judge (QUIZBOT_LLM_URL); None when it is off. ConfigError for a bad
    setting."""
    llm = LLMSettings.from_env()
    return LLMJudge(llm) if llm is not None else None


POLLING_MODES = frozenset({"polling"})
"""Modes in which the bot calls the API at least every poll timeout by itself."""


def make_metrics(settings: OpsSettings) -> Metrics:
    """Prometheus metrics when the endpoint is on; the no-op `Metrics` otherwise."""
    return PrometheusMetrics() if settings.health_enabled else Metrics()


class DatabaseNotWritable(RuntimeError):
    """Writes are not reaching the database file; the message says why."""


def store_check(store: Store) -> Callable[[], Awaitable[None]]:
    """The health check's database probe: writes reach the file (it is still there and
    the last write worked, see `store_write_probe`), and a trivial query answers."""

    async def check() -> None:
        problem = store.write_problem()
        if problem is not None:
            raise DatabaseNotWritable(problem)
        async with store.read() as tx:
            await tx.health.ping()

    return check


def store_write_probe(store: Store, clock: Clock = utc_now) -> Callable[[], Awaitable[None]]:
    """One small write, run every `WRITE_PROBE_SECONDS` while health is served: a disk
    that fills up or turns read-only shows on /healthz even when nobody plays, and a
    recovered one shows healthy again."""

    async def probe() -> None:
        async with store.write() as tx:
            await tx.health.touch_probe(clock())

    return probe


WRITE_PROBE_SECONDS = 30.0


class Ops:
    def __init__(self, settings: OpsSettings, db_path: Path | str, metrics: Metrics | None = None):
        self.settings = settings
        self.db_path = db_path
        """The SQLite file, or the PostgreSQL URL (`Settings.database`)."""
        self.metrics = metrics if metrics is not None else make_metrics(settings)
        self.health: HealthServer | None = None
        self.backup: DailyBackup | None = None
        self._backup_task: asyncio.Task[None] | None = None
        self._backup_owner: OwnerLock | None = None
        self._probe_task: asyncio.Task[None] | None = None
        self.write_probe_seconds = WRITE_PROBE_SECONDS
        self.mode = "polling"
        """How the bot gets its updates ('polling', 'webhook', 'gateway'); set before start."""

    async def start(
        self,
        *,
        database: Callable[[], Awaitable[object]],
        scheduler_running: Callable[[], bool] | None,
        platform: str,
        mode: str | None = None,
        write_probe: Callable[[], Awaitable[object]] | None = None,
        set_aside_updates: Callable[[], int] | None = None,
    ) -> None:
        """Start what is configured, in the running loop. OSError if the port is taken."""
        settings = self.settings
        mode = mode or self.mode
        if settings.health_port is not None and isinstance(self.metrics, PrometheusMetrics):
            silence = settings.max_api_silence if mode in POLLING_MODES else 0.0
            sources = HealthSources(
                database=database,
                metrics=self.metrics,
                scheduler_running=scheduler_running,
                max_api_silence=silence or None,
                platform=platform,
                mode=mode,
                set_aside_updates=set_aside_updates,
            )
            self.health = HealthServer(sources, settings.health_host, settings.health_port)
            await self.health.start()
            if write_probe is not None:
                self._probe_task = asyncio.create_task(
                    self._probe_forever(write_probe), name="quizbot write probe"
                )
        if settings.backup_dir is not None:
            if isinstance(self.db_path, str):  # PostgreSQL: one replica makes the backups
                self._backup_owner = OwnerLock(self.db_path, BACKUP_LOCK)
            self.backup = DailyBackup(
                self.db_path,
                settings.backup_dir,
                keep=settings.backup_keep,
                at=settings.backup_at,
                owner=self._backup_owner,
            )
            self._backup_task = asyncio.create_task(
                self.backup.run_forever(), name="quizbot daily backup"
            )
            log.info(
                "daily backup to %s at %s UTC, keeping %d",
                settings.backup_dir,
                settings.backup_at.strftime("%H:%M"),
                settings.backup_keep,
            )

    async def _probe_forever(self, write_probe: Callable[[], Awaitable[object]]) -> None:
        failing = False
        while True:
            try:
                await write_probe()
            except Exception as error:  # the store remembers it; /healthz reports it
                if not failing:
                    log.warning("the database cannot be written: %s", error)
                failing = True
            else:
                if failing:
                    log.info("the database can be written again")
                failing = False
            await asyncio.sleep(self.write_probe_seconds)

    async def stop(self) -> None:
        if self._probe_task is not None:
            self._probe_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._probe_task
            self._probe_task = None
        if self._backup_task is not None:
            self._backup_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._backup_task
            self._backup_task = None
        if self._backup_owner is not None:
            await self._backup_owner.close()
            self._backup_owner = None
        if self.health is not None:
            await self.health.stop()
            self.health = None
