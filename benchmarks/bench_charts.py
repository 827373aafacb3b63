"""charts: drawing the /stats and /leaderboard images, and the event loop meanwhile.

The stats image is drawn for the shipped decks (13 topics) with a full 12-week calendar,
the leaderboard with ten members. Each is drawn warm (fonts found, matplotlib imported)
several times; `first_ms` is the first draw of the process, which also imports matplotlib
and looks for a CJK font. While four images draw in worker threads, a ticker on the event
loop measures how late it wakes (what a chat update waiting to be answered would see).
"""

from __future__ import annotations

import asyncio
import random
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks.stats import median, percentile
from bot.decks.catalog import Catalog
from bot.engine.progress import player_activity
from bot.engine.results import Leaderboard, LeaderboardEntry, StreakInfo
from bot.progress.chart_data import LeaderboardChartData, StatsChartData, stats_chart_data

CONTENT = Path(__file__).resolve().parents[1] / "content"
TODAY = date(2025, 3, 6)
TARGET_MS = 300.0


def stats_data(catalog: Catalog, seed: int = 3) -> StatsChartData:
    rng = random.Random(seed)
    days = [(TODAY - timedelta(days=back)).isoformat() for back in range(84) if rng.random() < 0.7]
    summary = {q.id: (rng.randint(1, 4), rng.random()) for q in catalog.questions[::2]}
    return stats_chart_data(
        player_activity(
            display_name="Alice",
            today=TODAY,
            streak=StreakInfo(9, 21, 1, answered_today=True, at_risk=False),
            last_active_day=TODAY,
            questions=catalog.questions,
            summary=summary,
            answered_days=[(day, rng.randint(1, 6)) for day in days],
            frozen_days=[(TODAY - timedelta(days=20)).isoformat()],
        )
    )


def board_data() -> LeaderboardChartData:
    names = ("Alice", "Bob", "小明", "Priya", "Dmitri", "Fatima", "Kenji", "Lucía", "Grace", "Mei")
    entries = tuple(
        LeaderboardEntry(rank, name, 120 - rank * 9, max(0, 12 - rank))
        for rank, name in enumerate(names, start=1)
    )
    me = LeaderboardEntry(14, "Zed", 31, 2, is_me=True)
    return LeaderboardChartData(
        Leaderboard("week", entries, me, 23), "ML interview prep", TODAY, TODAY
    )


async def run(*, quick: bool) -> dict[str, Any]:
    from bot.progress.leaderboard_chart import leaderboard_png, render_leaderboard
    from bot.progress.stats_chart import render_stats, stats_png

    catalog = Catalog.load([CONTENT])
    stats, board = stats_data(catalog), board_data()
    started = time.perf_counter()
    stats_png(stats)
    first_ms = (time.perf_counter() - started) * 1000
    repeats = 5 if quick else 20
    stats_ms, stats_cpu_ms = _times(lambda: stats_png(stats), repeats)
    board_ms, board_cpu_ms = _times(lambda: leaderboard_png(board), repeats)

    lags: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        while not done.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.005)
            lags.append((time.perf_counter() - before - 0.005) * 1000)

    ticking = asyncio.create_task(ticker())
    started = time.perf_counter()
    drawn = await asyncio.gather(
        render_stats(stats),
        render_stats(stats),
        render_leaderboard(board),
        render_leaderboard(board),
    )
    parallel_ms = (time.perf_counter() - started) * 1000
    done.set()
    await ticking
    result = {
        "topics": len(catalog.topics()),
        "first_ms": round(first_ms, 1),
        "stats_ms": round(median(stats_ms), 1),
        "stats_p90_ms": round(percentile(stats_ms, 0.9), 1),
        "stats_cpu_ms": round(median(stats_cpu_ms), 1),
        "leaderboard_ms": round(median(board_ms), 1),
        "leaderboard_p90_ms": round(percentile(board_ms, 0.9), 1),
        "leaderboard_cpu_ms": round(median(board_cpu_ms), 1),
        "four_in_threads_ms": round(parallel_ms, 1),
        "loop_lag_max_ms": round(max(lags, default=0.0), 1),
        "loop_ticks": len(lags),
        "stats_png_kb": round(len(drawn[0]) / 1024, 1),
        "ok": all(png.startswith(b"\x89PNG") for png in drawn) and len(lags) > 0,
    }
    result["meets_target"] = max(result["stats_ms"], result["leaderboard_ms"]) < TARGET_MS
    return result


def _times(draw: Any, repeats: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of each draw (CPU time is the draw's own cost when
    other work shares the machine)."""
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        draw()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return walls, cpus
