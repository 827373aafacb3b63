"""`/healthz` and `/metrics` on one small aiohttp server in the bot's own event loop.

`/healthz` answers JSON and 200 when the bot is healthy, 503 otherwise:

    {"status": "ok", "platform": "telegram", "mode": "polling",
     "database": {"ok": true},
     "scheduler": {"ok": true, "running": true},
     "api": {"ok": true, "last_success": "2025-03-03T08:00:00+00:00", "age_seconds": 4.2},
     "updates": {"set_aside": 0}}

Healthy means: a trivial query on the database answers within `DB_TIMEOUT`, the
scheduler (where the bot runs one) is running, and, where the bot polls the API (so it
calls it at least every poll timeout), a call succeeded within `max_api_silence`.
`updates.set_aside` (where the platform has an update inbox) counts updates that could
not be read or handled and were skipped. `/metrics` is the Prometheus text format of `PrometheusMetrics`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.ops.metrics import PrometheusMetrics

log = logging.getLogger(__name__)

DB_TIMEOUT = 5.0
"""Seconds the database check may take (a write holding the store that long is unhealthy)."""


@dataclass(frozen=True, slots=True)
class HealthSources:
    """Where `/healthz` looks."""

    database: Callable[[], Awaitable[object]]
    """Runs a trivial query; raises when the database cannot answer."""
    metrics: PrometheusMetrics
    scheduler_running: Callable[[], bool] | None = None
    """None: this process runs no scheduler."""
    max_api_silence: float | None = None
    """Seconds without a successful API call before unhealthy; None: not checked (a
    webhook bot may rightly hear nothing for hours)."""
    platform: str = ""
    mode: str = ""
    set_aside_updates: Callable[[], int] | None = None
    """How many updates could not be read or handled and were set aside (reported, not
    a failure: the bot skipped them and went on)."""


async def health_report(
    sources: HealthSources, clock: Callable[[], float] = time.time
) -> tuple[bool, dict[str, Any]]:
    """(healthy, the JSON body of `/healthz`)."""
    database: dict[str, Any] = {"ok": True}
    try:
        await asyncio.wait_for(sources.database(), DB_TIMEOUT)
    except Exception as exc:  # any failure is the answer, not a crash of the endpoint
        database = {"ok": False, "error": type(exc).__name__ if not str(exc) else str(exc)}
    scheduler: dict[str, Any] = {"ok": True, "running": None}
    if sources.scheduler_running is not None:
        running = bool(sources.scheduler_running())
        scheduler = {"ok": running, "running": running}
    last = sources.metrics.last_api_success
    age = None if last is None else max(0.0, clock() - last.timestamp())
    api_ok = True
    if sources.max_api_silence:
        api_ok = age is not None and age <= sources.max_api_silence
    api = {
        "ok": api_ok,
        "last_success": last.isoformat() if last else None,
        "age_seconds": None if age is None else round(age, 3),
    }
    healthy = database["ok"] and scheduler["ok"] and api_ok
    body = {
        "status": "ok" if healthy else "unhealthy",
        "platform": sources.platform,
        "mode": sources.mode,
        "database": database,
        "scheduler": scheduler,
        "api": api,
    }
    if sources.set_aside_updates is not None:
        body["updates"] = {"set_aside": sources.set_aside_updates()}
    return healthy, body


class HealthServer:
    """Serves `/healthz` and `/metrics` until `stop()`; port 0 picks a free port."""

    def __init__(self, sources: HealthSources, host: str, port: int) -> None:
        self.sources = sources
        self.host = host
        self.requested_port = port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.requested_port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        log.info("health and metrics on http://%s:%d/healthz", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def port(self) -> int:
        """The port actually bound."""
        if self._runner is None or not self._runner.addresses:
            return self.requested_port
        return int(self._runner.addresses[0][1])

    async def _healthz(self, request: web.Request) -> web.Response:
        healthy, body = await health_report(self.sources)
        return web.Response(
            status=200 if healthy else 503,
            text=json.dumps(body),
            content_type="application/json",
            headers={"Cache-Control": "no-store"},
        )

    async def _metrics(self, request: web.Request) -> web.Response:
        data, content_type = self.sources.metrics.exposition()
        response = web.Response(body=data)
        response.headers["Content-Type"] = content_type
        return response
