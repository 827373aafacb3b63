"""The SQLite store: connection settings, transactions, keys and the leaderboard's indexes."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.store import BUSY_TIMEOUT_MS, NewAttempt, SchemaTooNew, Store, UnitOfWork

LARGEST_ID = 2**63 - 1
SUPERGROUP_ID = -1001234567890


def connect(path: Path) -> sqlite3.Connection:
    """A second, independent connection to the database file (as another process has)."""
    return sqlite3.connect(path, timeout=0, isolation_level=None)


async def test_the_database_is_in_wal_mode(store: Store, db_path: Path) -> None:
    with connect(db_path) as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_foreign_keys_are_enforced(store: Store, now: datetime) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        async with store.write() as tx:
            await tx.deliveries.claim(
                404, "mini-latency", kind="asked", local_day="2025-03-03", now=now
            )


async def test_the_connection_waits_for_a_busy_database(store: Store) -> None:
    async with store.read() as tx, tx.conn.execute("PRAGMA busy_timeout") as cursor:
        row = await cursor.fetchone()
    assert row is not None
    assert row[0] == BUSY_TIMEOUT_MS > 0


async def test_a_write_holds_the_write_lock_from_its_start(store: Store, db_path: Path) -> None:
    with connect(db_path) as other:
        async with store.write():
            # Nothing written yet: a deferred BEGIN would not hold the lock at this point.
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")


async def test_a_write_is_committed_when_its_block_ends(
    store: Store, db_path: Path, now: datetime
) -> None:
    async with store.write() as tx:
        await tx.users.upsert("telegram", 1, "Ann", now)
    with connect(db_path) as other:
        assert other.execute("SELECT display_name FROM users").fetchall() == [("Ann",)]


async def test_a_write_that_fails_leaves_nothing_behind(store: Store, now: datetime) -> None:
    with pytest.raises(RuntimeError):
        async with store.write() as tx:
            await tx.users.upsert("telegram", 1, "Ann", now)
            raise RuntimeError("boom")
    async with store.read() as tx:
        assert await tx.users.find("telegram", 1) is None


async def test_a_naive_datetime_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="naive"):
        async with store.write() as tx:
            await tx.users.upsert("telegram", 1, "Ann", datetime(2025, 3, 3, 9, 0))


async def test_times_are_stored_in_utc_whatever_offset_they_came_with(
    store: Store, now: datetime
) -> None:
    tokyo = now.astimezone(timezone(timedelta(hours=9)))
    async with store.write() as tx:
        user = await tx.users.upsert("telegram", 1, "Ann", tokyo)
        await tx.cards.save(user.id, "mini-latency", "{}", tokyo + timedelta(minutes=30))
    async with store.read() as tx:
        # Stored as text, a +09:00 time would sort before an earlier UTC one.
        assert await tx.cards.due_cards(user.id, now) == []
        assert await tx.cards.due_cards(user.id, now + timedelta(minutes=30)) == [
            ("mini-latency", "2025-03-03T09:30:00.000000+00:00")
        ]


@pytest.mark.parametrize("external_id", [LARGEST_ID, SUPERGROUP_ID, -LARGEST_ID - 1])
async def test_chat_and_user_ids_are_64_bit(store: Store, now: datetime, external_id: int) -> None:
    async with store.write() as tx:
        chat = await tx.chats.upsert(
            "telegram",
            external_id,
            kind="group",
            title="t",
            timezone="UTC",
            push_time="09:00",
            now=now,
        )
        user = await tx.users.upsert("telegram", external_id, "Ann", now)
        delivery = await tx.deliveries.claim(
            chat.id, "mini-latency", kind="asked", local_day="2025-03-03", now=now
        )
        assert delivery is not None
        await tx.deliveries.mark_sent(
            delivery.id, message_id=external_id, thread_id=external_id, now=now
        )
    async with store.read() as tx:
        assert (await tx.chats.find("telegram", external_id)) == chat
        assert (await tx.users.find("telegram", external_id)) == user
        found = await tx.deliveries.find_by_message(chat.id, external_id)
        assert found is not None
        assert found.thread_id == external_id


async def test_a_telegram_chat_and_a_discord_channel_with_one_number_are_two_chats(
    store: Store, now: datetime
) -> None:
    async with store.write() as tx:
        rows = [
            await tx.chats.upsert(
                platform,
                42,
                kind="group",
                title=platform,
                timezone="UTC",
                push_time="09:00",
                now=now,
            )
            for platform in ("telegram", "discord")
        ]
        users = [
            await tx.users.upsert(platform, 42, platform, now)
            for platform in ("telegram", "discord")
        ]
    assert rows[0].id != rows[1].id
    assert users[0].id != users[1].id
    async with store.read() as tx:
        discord = await tx.chats.find("discord", 42)
    assert discord is not None
    assert discord.title == "discord"


async def test_a_chat_keeps_its_settings_when_seen_again(store: Store, now: datetime) -> None:
    async with store.write() as tx:
        first = await tx.chats.upsert(
            "telegram", 7, kind="group", title="Old", timezone="UTC", push_time="09:00", now=now
        )
        await tx.chats.set_schedule(first.id, "07:30", "Europe/Berlin")
        again = await tx.chats.upsert(
            "telegram", 7, kind="group", title="New", timezone="UTC", push_time="09:00", now=now
        )
    assert (again.id, again.title, again.push_time, again.timezone) == (
        first.id,
        "New",
        "07:30",
        "Europe/Berlin",
    )


async def test_a_chat_has_one_daily_delivery_per_local_day(store: Store, now: datetime) -> None:
    async with store.write() as tx:
        chat = await tx.chats.upsert(
            "telegram", 7, kind="group", title="", timezone="UTC", push_time="09:00", now=now
        )
        first = await tx.deliveries.claim(
            chat.id, "mini-latency", kind="daily", local_day="2025-03-03", now=now
        )
        second = await tx.deliveries.claim(
            chat.id, "mini-batching", kind="daily", local_day="2025-03-03", now=now
        )
        asked = await tx.deliveries.claim(
            chat.id, "mini-batching", kind="asked", local_day="2025-03-03", now=now
        )
        tomorrow = await tx.deliveries.claim(
            chat.id, "mini-batching", kind="daily", local_day="2025-03-04", now=now
        )
    assert first is not None
    assert second is None
    assert asked is not None
    assert tomorrow is not None


async def test_one_platform_message_is_one_attempt(store: Store, now: datetime) -> None:
    async with store.write() as tx:
        chat = await tx.chats.upsert(
            "telegram", 7, kind="private", title="", timezone="UTC", push_time="09:00", now=now
        )
        user = await tx.users.upsert("telegram", 7, "Ann", now)
        attempt = NewAttempt(
            user_id=user.id,
            chat_id=chat.id,
            question_id="mini-latency",
            delivery_id=None,
            source_key="msg:1",
            answer="p99",
            score=0.5,
            covered=[1],
            points=5,
            local_day="2025-03-03",
            answered_at=now,
        )
        await tx.attempts.add(attempt)
    with pytest.raises(sqlite3.IntegrityError):
        async with store.write() as tx:
            await tx.attempts.add(attempt)


async def test_a_database_from_a_newer_bot_is_refused(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA user_version = 9999")
    with pytest.raises(SchemaTooNew, match="9999"):
        await Store.open(db_path)


# -- leaderboard queries -----------------------------------------------------------------


async def seed_scores(db_path: Path, members: int) -> None:
    """A group with `members` scored members and one attempt each, in plain SQL."""
    stamp = datetime(2025, 3, 3, 9, 0, tzinfo=UTC).isoformat()
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "INSERT INTO chats (id, platform, external_id, kind, timezone, push_time, created_at)"
            " VALUES (1, 'telegram', -100, 'group', 'UTC', '09:00', ?)",
            (stamp,),
        )
        conn.executemany(
            "INSERT INTO users (id, platform, external_id, display_name, created_at)"
            " VALUES (?, 'telegram', ?, ?, ?)",
            [(n, n, f"m{n}", stamp) for n in range(1, members + 1)],
        )
        conn.executemany(
            "INSERT INTO attempts (user_id, chat_id, question_id, source_key, answer, score,"
            " covered, points, local_day, answered_at)"
            " VALUES (?, 1, 'mini-latency', ?, '', 1, '[]', ?, '2025-03-03', ?)",
            [(n, f"s{n}", n % 97, stamp) for n in range(1, members + 1)],
        )
        conn.executemany(
            "INSERT INTO scores (chat_id, period, user_id, points, reached_at)"
            " VALUES (1, 'all', ?, ?, ?)",
            [(n, n % 97, stamp) for n in range(1, members + 1)],
        )
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
    await seed_scores(db_path, 10_000)
    (statement,) = await traced(store, lambda tx: tx.scores.top(1, "all", 10))
    query_plan = plan(db_path, statement)
    assert "INDEX scores_ranking" in query_plan
    assert "TEMP B-TREE" not in query_plan  # no sort: rows come in ranking order
    assert "attempts" not in query_plan


async def test_a_members_rank_is_counted_on_the_ranking_index(store: Store, db_path: Path) -> None:
    await seed_scores(db_path, 10_000)
    statements = await traced(store, lambda tx: tx.scores.rank_of(1, "all", 5000))
    assert len(statements) == 2
    for statement in statements:
        query_plan = plan(db_path, statement)
        # no table or index is scanned (a SELECT of subqueries scans its one constant row)
        assert "SCAN" not in query_plan.replace("SCAN CONSTANT ROW", "")
        assert "attempts" not in query_plan
    assert "INDEX scores_ranking" in plan(db_path, statements[1])


async def test_ranks_agree_between_the_top_list_and_a_members_own_rank(
    store: Store, db_path: Path
) -> None:
    await seed_scores(db_path, 500)
    async with store.read() as tx:
        top = await tx.scores.top(1, "all", 500)
        ranks = [await tx.scores.rank_of(1, "all", row.user_id) for row in top[:40]]
    assert [rank for rank, _ in filter(None, ranks)] == list(range(1, 41))


async def test_moving_a_chat_onto_one_seen_first_keeps_both_histories(
    store: Store, now: datetime
) -> None:
    """A group upgraded to a supergroup the bot already saw: nothing may be dropped."""
    async with store.write() as tx:
        old = await tx.chats.upsert(
            "telegram", -42, kind="group", title="g", timezone="UTC", push_time="09:00", now=now
        )
        new = await tx.chats.upsert(
            "telegram",
            SUPERGROUP_ID,
            kind="group",
            title="g",
            timezone="UTC",
            push_time="09:00",
            now=now,
        )
        user = await tx.users.upsert("telegram", 7, "Ann", now)
        for chat in (old, new):
            delivery = await tx.deliveries.claim(
                chat.id, "mini-latency", kind="daily", local_day="2026-11-22", now=now
            )
            assert delivery is not None
            await tx.attempts.add(
                NewAttempt(
                    user_id=user.id,
                    chat_id=chat.id,
                    question_id="mini-latency",
                    delivery_id=delivery.id,
                    source_key="msg:5",
                    answer="p99",
                    score=0.5,
                    covered=(1,),
                    points=5,
                    local_day="2026-11-22",
                    answered_at=now,
                )
            )
        await tx.chats.move_and_merge(old.id, SUPERGROUP_ID)

    async with store.read() as tx:
        moved = await tx.chats.find("telegram", SUPERGROUP_ID)
        summary = await tx.attempts.summary_by_question(user.id)
        days = set(await tx.deliveries.last_delivered(old.id))
    assert moved is not None and moved.id == old.id
    assert summary[0].answers == 2
    assert days == {"mini-latency"}
