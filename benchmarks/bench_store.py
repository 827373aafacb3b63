"""store: attempts recorded through the store beside raw aiosqlite, and leaderboard speed.

Both write paths commit durably (WAL, synchronous=FULL) once per attempt. The store's
path is what an answer costs: the attempt plus the member's running totals, in one
BEGIN IMMEDIATE transaction. The leaderboard is read for one group with many members and
attempts, through the engine, with the asking member's own rank.
"""

from __future__ import annotations

import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiosqlite

from benchmarks.stats import median, percentile
from bot.decks.catalog import Catalog
from bot.engine.clock import ALL_TIME, week_period
from bot.engine.quiz import Engine
from bot.engine.results import ChatKey, PlayerKey
from bot.store import NewAttempt, Store

FIXTURE_DECK = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "mini.yaml"
NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
TARGET_RATIO = 0.5
TARGET_LEADERBOARD_P99_MS = 10.0


async def run(*, quick: bool) -> dict[str, Any]:
    writes = 300 if quick else 2000
    members = 10_000
    attempts = 30_000 if quick else 1_000_000
    queries = 200 if quick else 1000
    with tempfile.TemporaryDirectory(prefix="quizbot-bench-") as folder:
        root = Path(folder)
        for i in range(3):
            (root / f"round{i}").mkdir()
        rounds = [await _write_rates(root / f"round{i}", writes) for i in range(3)]
        board = await _leaderboard(root / "board.db", members, attempts, queries)
    store_rates = [r[0] for r in rounds]
    raw_rates = [r[1] for r in rounds]
    ratios = [s / r for s, r in zip(store_rates, raw_rates, strict=True)]
    result = {
        "attempts_per_s": round(median(store_rates), 1),
        "raw_per_s": round(median(raw_rates), 1),
        "ratio": round(median(ratios), 3),
        "members": members,
        "attempts": attempts,
        **board,
    }
    lost = sum(r[2] for r in rounds)
    result["lost"] = lost
    result["ok"] = lost == 0 and board["leaderboard_rows"] == 10
    result["meets_target"] = (
        result["ratio"] >= TARGET_RATIO and result["leaderboard_p99_ms"] < TARGET_LEADERBOARD_P99_MS
    )
    return result


async def _write_rates(folder: Path, count: int) -> tuple[float, float, int]:
    """(store attempts/s, raw inserts/s, attempts missing afterwards) for one round."""
    store = await Store.open(folder / "store.db")
    try:
        async with store.write() as tx:
            chat = await tx.chats.upsert(
                "telegram",
                -1001,
                kind="group",
                title="bench",
                timezone="UTC",
                push_time="09:00",
                now=NOW,
            )
            user = await tx.users.upsert("telegram", 1, "bench", NOW)
        periods = (ALL_TIME, week_period(NOW, "UTC"))
        started = time.perf_counter()
        for index in range(count):
            async with store.write() as tx:
                await tx.attempts.add(
                    NewAttempt(
                        user_id=user.id,
                        chat_id=chat.id,
                        question_id="mini-latency",
                        delivery_id=None,
                        source_key=f"m{index}",
                        answer="p99 and outliers",
                        score=1.0,
                        covered=(0, 1),
                        points=10,
                        local_day="2026-11-18",
                        answered_at=NOW,
                    )
                )
                await tx.scores.add_points(chat.id, user.id, periods, 10, NOW)
        store_rate = count / (time.perf_counter() - started)
        async with store.read() as tx:
            summary = await tx.attempts.summary_by_question(user.id)
        lost = count - sum(row.answers for row in summary)
    finally:
        await store.close()
    raw_rate = await _raw_rate(folder / "raw.db", count)
    return store_rate, raw_rate, lost


async def _raw_rate(path: Path, count: int) -> float:
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA synchronous = FULL")
        await conn.execute(
            "CREATE TABLE attempts (id INTEGER PRIMARY KEY, user_id INTEGER, answer TEXT,"
            " score REAL, answered_at TEXT)"
        )
        started = time.perf_counter()
        for _ in range(count):
            await conn.execute("BEGIN")
            await conn.execute(
                "INSERT INTO attempts (user_id, answer, score, answered_at) VALUES (?, ?, ?, ?)",
                (1, "p99 and outliers", 1.0, NOW.isoformat()),
            )
            await conn.commit()
        return count / (time.perf_counter() - started)


async def _leaderboard(path: Path, members: int, attempts: int, queries: int) -> dict[str, Any]:
    store = await Store.open(path)
    try:
        await _seed_group(store, members, attempts)
        engine = Engine(store, Catalog.load([FIXTURE_DECK]))
        chat = ChatKey("telegram", -100_200)
        rng = random.Random(7)
        timings = []
        rows = 0
        for _ in range(queries):
            member = rng.randrange(1, members + 1)
            player = PlayerKey("telegram", member, f"member {member}")
            started = time.perf_counter()
            board = await engine.progress.leaderboard(chat, "all", NOW, player)
            timings.append((time.perf_counter() - started) * 1000)
            rows = len(board.entries)
    finally:
        await store.close()
    return {
        "leaderboard_p50_ms": round(percentile(timings, 0.5), 3),
        "leaderboard_p99_ms": round(percentile(timings, 0.99), 3),
        "leaderboard_rows": rows,
    }


async def _seed_group(store: Store, members: int, attempts: int) -> None:
    """A group with `members` players and `attempts` answers, written in bulk."""
    rng = random.Random(11)
    async with store.write() as tx:
        chat = await tx.chats.upsert(
            "telegram",
            -100_200,
            kind="group",
            title="big group",
            timezone="UTC",
            push_time="09:00",
            now=NOW,
        )
        await tx.conn.executemany(
            "INSERT INTO users (platform, external_id, display_name, created_at)"
            " VALUES ('telegram', ?, ?, ?)",
            [(m, f"member {m}", NOW.isoformat()) for m in range(1, members + 1)],
        )
        batch = []
        for index in range(attempts):
            user_id = rng.randrange(1, members + 1)
            score = rng.random()
            when = NOW - timedelta(minutes=rng.randrange(0, 60 * 24 * 60))
            batch.append(
                (
                    user_id,
                    chat.id,
                    "mini-latency",
                    f"a{index}",
                    "answer",
                    score,
                    "[0]",
                    round(score * 10),
                    when.date().isoformat(),
                    when.isoformat(),
                )
            )
        await tx.conn.executemany(
            "INSERT INTO attempts (user_id, chat_id, question_id, source_key, answer, score,"
            " covered, points, local_day, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            batch,
        )
        await tx.conn.execute(
            "INSERT INTO scores (chat_id, period, user_id, points, reached_at)"
            " SELECT chat_id, 'all', user_id, sum(points), max(answered_at) FROM attempts"
            " WHERE chat_id = ? GROUP BY user_id",
            (chat.id,),
        )
    async with store.read() as tx:
        await tx.conn.execute("ANALYZE")
