"""One replica of the bot in a child process, for the `scaleout` benchmark.

The real bot, built the way `quizbot run` builds it (`benchmarks.quizbot.build`), on a
PostgreSQL database, with the benchmark's clock; it takes no updates (the fan-out is
what is measured). Driven over a pipe like `benchmarks.apiserver`: one JSON line per
request on stdin, one per answer on stdout.

    async with ReplicaProcess() as replica:
        await replica.call("start", api_url=..., db_url=..., limit=1000, fire=...)
        figures = await replica.call("push")   # the daily push due at `fire`

`python -m benchmarks.replica` is the child.
"""

from __future__ import annotations

import asyncio
import resource
import time
from contextlib import AsyncExitStack
from datetime import datetime, timedelta
from typing import Any

from benchmarks import quizbot
from benchmarks.apiserver import ServerProcess, serve_requests
from bot.telegram.app import QuizApplication, serving
from bot.telegram.inbox import UpdateInbox
from scheduler.limits import Limits
from scheduler.sharedlimits import SharedSendLimiter


class ReplicaProcess(ServerProcess):
    """The parent's handle on a `python -m benchmarks.replica` child."""

    child_module = "benchmarks.replica"

    async def __aenter__(self) -> ReplicaProcess:
        await self.spawn()
        return self


class NoUpdates:
    """An update source that brings none: the replica only sends."""

    async def start(self, application: QuizApplication, inbox: UpdateInbox) -> None:
        return None

    async def stop(self) -> None:
        return None


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class _Replica:
    def __init__(self) -> None:
        self.stack = AsyncExitStack()
        self.app: QuizApplication | None = None
        self.clock: quizbot.Clock | None = None

    async def start(self, api_url: str, db_url: str, limit: int, fire: str) -> None:
        self.clock = quizbot.Clock(datetime.fromisoformat(fire) - timedelta(minutes=1))
        app = quizbot.build(
            api_url, db_url, self.clock, Limits(per_second=limit), with_scheduler=True
        )
        await self.stack.enter_async_context(serving(app, NoUpdates()))
        scheduler = app.bot_data.scheduler
        assert scheduler is not None
        if scheduler.recovery is not None:
            await scheduler.recovery
        self.app = app

    async def push(self) -> dict[str, Any]:
        """The push due one minute later: its fan-out, shared with the other replicas."""
        assert self.app is not None and self.clock is not None
        scheduler = self.app.bot_data.scheduler
        assert scheduler is not None
        now = self.clock.advance(timedelta(minutes=1, seconds=1))
        cpu = _cpu_s()
        started = time.monotonic()  # the server stamps calls on this clock too
        tallies = await scheduler.run_due(now)
        elapsed = time.monotonic() - started
        cpu = _cpu_s() - cpu
        limiter = scheduler.limiter
        tally = {key: value for t in tallies.values() for key, value in t.items()}
        return {
            "started": started,
            "elapsed_s": elapsed,
            "cpu_s": cpu,
            "sent": tally.get("sent", 0),
            "tally": tally,
            "paced_by_the_common_budget": isinstance(limiter, SharedSendLimiter) and limiter.shared,
            "reservations": getattr(limiter, "reservations", 0),
            "dropped_slots": getattr(limiter, "dropped_slots", 0),
            "held_for_answers": limiter.window_waits,
        }

    async def stop(self) -> None:
        await self.stack.aclose()


async def _serve() -> None:
    replica = _Replica()
    await serve_requests({"start": replica.start, "push": replica.push}, replica.stop)


if __name__ == "__main__":
    asyncio.run(_serve())
