"""The production extras of one running bot, whatever its platform: the health and
metrics endpoint, and the daily automatic backup. Each is off unless configured.

    ops = Ops(OpsSettings.from_env(), settings.db_path)
    ... ops.metrics goes to the adapter's hooks and the scheduler's sender ...
    await ops.start(database=store_check(store), scheduler_running=..., platform="telegram",
                    mode="polling")
    ...
    await ops.stop()
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.ops.backups import DailyBackup
from bot.ops.health import HealthServer, HealthSources
from bot.ops.metrics import Metrics, PrometheusMetrics
from bot.ops.settings import OpsSettings
from bot.store.store import Store

log = logging.getLogger(__name__)

POLLING_MODES = frozenset({"polling"})
"""Modes in which the bot calls the API at least every poll timeout by itself."""


def make_metrics(settings: OpsSettings) -> Metrics:
    """Prometheus metrics when the endpoint is on; the no-op `Metrics` otherwise."""
    return PrometheusMetrics() if settings.health_enabled else Metrics()


def store_check(store: Store) -> Callable[[], Awaitable[None]]:
    """The health check's database probe: a trivial query through the store's lock."""

    async def ping() -> None:
        async with store.read() as tx:
            await tx.ping()

    return ping


class Ops:
    def __init__(self, settings: OpsSettings, db_path: Path, metrics: Metrics | None = None):
        self.settings = settings
        self.db_path = db_path
        self.metrics = metrics if metrics is not None else make_metrics(settings)
        self.health: HealthServer | None = None
        self.backup: DailyBackup | None = None
        self._backup_task: asyncio.Task[None] | None = None
        self.mode = "polling"
        """How the bot gets its updates ('polling', 'webhook', 'gateway'); set before start."""

    async def start(
        self,
        *,
        database: Callable[[], Awaitable[object]],
        scheduler_running: Callable[[], bool] | None,
        platform: str,
        mode: str | None = None,
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
            )
            self.health = HealthServer(sources, settings.health_host, settings.health_port)
            await self.health.start()
        if settings.backup_dir is not None:
            self.backup = DailyBackup(
                self.db_path, settings.backup_dir, keep=settings.backup_keep, at=settings.backup_at
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

    async def stop(self) -> None:
        if self._backup_task is not None:
            self._backup_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._backup_task
            self._backup_task = None
        if self.health is not None:
            await self.health.stop()
            self.health = None
