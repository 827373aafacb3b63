"""Several replicas on one database share the timed work with no leader: each daily
push, reveal, reminder and recap is claimed row by row, so it happens once whichever
replica gets there first, and a dead replica's unsent claims go to one other replica
once their lease has run out. Two store instances on one database race for the same
work here (two pools on PostgreSQL; two connections to one file on SQLite)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import NewDelivery, Store
from bot.store.pgdatabase import PostgresStore
from tests.postgres import Server

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
DAY = "2025-03-03"
LEASE = timedelta(minutes=5)
CHATS = 40

Database = Store | PostgresStore


@pytest.fixture
async def replicas(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[tuple[Database, Database]]:
    if backend == "sqlite":
        path = tmp_path / "shared.db"
        first: Database = await Store.open(path)
        second: Database = await Store.open(path)
        try:
            yield first, second
        finally:
            await first.close()
            await second.close()
        return
    server: Server = request.getfixturevalue("postgres_server")
    url = await server.create_database()
    try:
        first = await PostgresStore.open(url)
        second = await PostgresStore.open(url)
        try:
            yield first, second
        finally:
            await first.close()
            await second.close()
    finally:
        await server.drop_database(url)


async def seed(store: Database, groups: bool = False) -> tuple[list[int], list[int]]:
    """CHATS subscribed chats (groups, or private chats with their players): chat ids and
    user ids."""
    chats, users = [], []
    async with store.write() as tx:
        for n in range(CHATS):
            chat = await tx.chats.upsert(
                "telegram",
                -(1000 + n) if groups else 1000 + n,
                kind="group" if groups else "private",
                title=f"Group {n}" if groups else "",
                timezone="UTC",
                push_time="09:00",
                now=NOW,
            )
            await tx.chats.set_subscribed(chat.id, True)
            chats.append(chat.id)
            if not groups:
                user = await tx.users.upsert("telegram", 1000 + n, f"Player {n}", NOW)
                await tx.chats.set_owner(chat.id, user.id)
                users.append(user.id)
    return chats, users


async def claim_daily(store: Database, chats: list[int]) -> list[int]:
    """A replica's fan-out claims, in batches of 8 as the scheduler makes them."""
    claimed = []
    for start in range(0, len(chats), 8):
        batch = [NewDelivery(c, "mini-latency", "daily", DAY) for c in chats[start : start + 8]]
        async with store.write() as tx:
            claimed += [row.chat_id for row in await tx.deliveries.claim_many(batch, NOW)]
        await asyncio.sleep(0)
    return claimed


async def test_two_replicas_claim_each_chats_daily_question_once(replicas) -> None:
    first, second = replicas
    chats, _ = await seed(first)

    won = await asyncio.gather(claim_daily(first, chats), claim_daily(second, chats))

    assert sorted(won[0] + won[1]) == chats
    assert set(won[0]).isdisjoint(won[1])


async def test_two_replicas_reveal_each_answer_once(replicas) -> None:
    first, second = replicas
    chats, _ = await seed(first, groups=True)
    async with first.write() as tx:
        claims = [NewDelivery(c, "mini-latency", "daily", DAY, reveal_at=NOW) for c in chats]
        for row in await tx.deliveries.claim_many(claims, NOW - timedelta(hours=4)):
            await tx.deliveries.mark_sent(row.id, message_id=row.chat_id, now=NOW)

    async def reveal(store: Database) -> list[int]:
        revealed = []
        async with store.read() as tx:
            due = await tx.deliveries.reveals_due(NOW)
        for delivery in due:
            async with store.write() as tx:
                if await tx.deliveries.mark_revealed(delivery.id, NOW):
                    revealed.append(delivery.chat_id)
            await asyncio.sleep(0)
        return revealed

    won = await asyncio.gather(reveal(first), reveal(second))

    assert sorted(won[0] + won[1]) == chats
    assert set(won[0]).isdisjoint(won[1])


async def test_two_replicas_send_each_reminder_and_recap_once(replicas) -> None:
    first, second = replicas
    _, users = await seed(first)
    groups, _ = await seed(first, groups=True)

    async def claim(store: Database) -> tuple[list[int], list[int]]:
        reminded, recapped = [], []
        for user_id, chat_id in zip(users, groups, strict=True):
            async with store.write() as tx:
                if await tx.users.claim_reminder(user_id, DAY):
                    reminded.append(user_id)
                if await tx.recaps.claim(chat_id, "2025-02-24"):
                    recapped.append(chat_id)
            await asyncio.sleep(0)
        return reminded, recapped

    (reminded_1, recapped_1), (reminded_2, recapped_2) = await asyncio.gather(
        claim(first), claim(second)
    )

    assert sorted(reminded_1 + reminded_2) == users
    assert sorted(recapped_1 + recapped_2) == groups


async def test_a_dead_replicas_unsent_claims_go_to_one_other_replica_after_the_lease(
    replicas,
) -> None:
    first, second = replicas
    chats, _ = await seed(first)
    dead = await claim_daily(first, chats)  # ...and the replica dies before sending
    assert sorted(dead) == chats

    async def take_over(store: Database, now: datetime) -> list[int]:
        async with store.write() as tx:
            rows = await tx.deliveries.take_over_unsent("telegram", now, now - LEASE)
        return [row.chat_id for row in rows]

    within_lease = NOW + LEASE - timedelta(seconds=1)
    assert await asyncio.gather(
        take_over(first, within_lease), take_over(second, within_lease)
    ) == [
        [],
        [],
    ]

    after_lease = NOW + LEASE + timedelta(seconds=1)
    won = await asyncio.gather(take_over(first, after_lease), take_over(second, after_lease))
    assert sorted(won[0] + won[1]) == chats
    assert set(won[0]).isdisjoint(won[1])
    # Taken over, they are that replica's for a lease again.
    assert await take_over(second, after_lease + timedelta(seconds=1)) == []
