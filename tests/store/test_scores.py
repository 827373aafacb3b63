"""Leaderboards: the top list and a member's rank read off the ranking index."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from bot.store import Store, UnitOfWork


async def seed_scores(store: Store, members: int) -> None:
    """A group with `members` scored members and one attempt each, in plain SQL."""
    stamp = datetime(2025, 3, 3, 9, 0, tzinfo=UTC).isoformat()
    async with store.write() as tx:
        await tx.session.run(
            "INSERT INTO chats (id, platform, external_id, kind, timezone, push_time, created_at)"
            " VALUES (1, 'telegram', -100, 'group', 'UTC', '09:00', ?)",
            (stamp,),
        )
        await tx.session.many(
            "INSERT INTO users (id, platform, external_id, display_name, created_at)"
            " VALUES (?, 'telegram', ?, ?, ?)",
            [(n, n, f"m{n}", stamp) for n in range(1, members + 1)],
        )
        await tx.session.many(
            "INSERT INTO attempts (user_id, chat_id, question_id, source_key, answer, score,"
            " covered, points, local_day, answered_at)"
            " VALUES (?, 1, 'mini-latency', ?, '', 1, '[]', ?, '2025-03-03', ?)",
            [(n, f"s{n}", n % 97, stamp) for n in range(1, members + 1)],
        )
        await tx.session.many(
            "INSERT INTO scores (chat_id, period, user_id, points, reached_at)"
            " VALUES (1, 'all', ?, ?, ?)",
            [(n, n % 97, stamp) for n in range(1, members + 1)],
        )


def analyzed(db_path: Path) -> None:
    """SQLite's statistics, so its planner picks as it would on a real database."""
    with sqlite3.connect(db_path) as conn:
        conn.execute("ANALYZE")


def plan(db_path: Path, statement: str) -> str:
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(f"EXPLAIN QUERY PLAN {statement}").fetchall()
    return "\n".join(row[-1] for row in rows)


async def traced(store: Store, call: Callable[[UnitOfWork], Awaitable[object]]) -> list[str]:
    """The SQL statements (parameters bound) that one repository method runs."""
    statements: list[str] = []
    async with store.read() as tx:
        await tx.conn.set_trace_callback(statements.append)
        try:
            await call(tx)
        finally:
            await tx.conn.set_trace_callback(None)
    return statements


async def test_the_top_ten_is_read_off_the_ranking_index(store: Store, db_path: Path) -> None:
    await seed_scores(store, 10_000)
    analyzed(db_path)
    (statement,) = await traced(store, lambda tx: tx.scores.top(1, "all", 10))
    query_plan = plan(db_path, statement)
    assert "INDEX scores_ranking" in query_plan
    assert "TEMP B-TREE" not in query_plan  # no sort: rows come in ranking order
    assert "attempts" not in query_plan


async def test_a_members_rank_is_counted_on_the_ranking_index(store: Store, db_path: Path) -> None:
    await seed_scores(store, 10_000)
    analyzed(db_path)
    statements = await traced(store, lambda tx: tx.scores.rank_of(1, "all", 5000))
    assert len(statements) == 2
    for statement in statements:
        query_plan = plan(db_path, statement)
        # no table or index is scanned (a SELECT of subqueries scans its one constant row)
        assert "SCAN" not in query_plan.replace("SCAN CONSTANT ROW", "")
        assert "attempts" not in query_plan
    assert "INDEX scores_ranking" in plan(db_path, statements[1])


async def test_ranks_agree_between_the_top_list_and_a_members_own_rank(store: Store) -> None:
    await seed_scores(store, 500)
    async with store.read() as tx:
        top = await tx.scores.top(1, "all", 500)
        ranks = [await tx.scores.rank_of(1, "all", row.user_id) for row in top[:40]]
    assert [rank for rank, _ in filter(None, ranks)] == list(range(1, 41))
