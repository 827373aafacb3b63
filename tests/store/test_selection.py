"""The reads that choose a question: preloaded for a batch they agree with the live ones,
and a batch refuses whatever it was not loaded for."""

from __future__ import annotations

import inspect
from datetime import datetime, timedelta

import pytest

from bot.store import BatchSelection, LiveSelection, NewAttempt, NotLoaded, Store, UnitOfWork
from bot.store.selection import SelectionReads

DAY = "2025-03-03"
THRESHOLD = 0.6


async def seed(tx: UnitOfWork, now: datetime) -> tuple[int, int, int]:
    """A group with two members' answers and a private chat whose owner has cards: (group
    chat id, private chat id, owner's user id)."""
    group = await tx.chats.upsert(
        "telegram", -5, kind="group", title="g", timezone="UTC", push_time="09:00", now=now
    )
    private = await tx.chats.upsert(
        "telegram", 5, kind="private", title="", timezone="UTC", push_time="09:00", now=now
    )
    owner = await tx.users.upsert("telegram", 5, "Ann", now)
    other = await tx.users.upsert("telegram", 6, "Ben", now)
    for chat_id, question, day in (
        (group.id, "mini-latency", "2025-03-01"),
        (group.id, "mini-parquet", "2025-03-02"),
        (private.id, "mini-batching", DAY),
    ):
        await tx.deliveries.claim(chat_id, question, kind="asked", local_day=day, now=now)
    for number, (user, chat_id, question, score) in enumerate(
        (
            (owner, group.id, "mini-latency", 0.2),
            (other, group.id, "mini-parquet", 0.9),
            (owner, private.id, "mini-parquet", 0.4),
        )
    ):
        await tx.attempts.add(
            NewAttempt(
                user_id=user.id,
                chat_id=chat_id,
                question_id=question,
                delivery_id=None,
                source_key=f"msg:{number}",
                answer="",
                score=score,
                covered=(),
                points=0,
                local_day=DAY,
                answered_at=now,
            )
        )
    await tx.cards.save(owner.id, "mini-latency", '{"a": 1}', now - timedelta(days=1))
    await tx.cards.save(owner.id, "mini-parquet", '{"b": 2}', now + timedelta(days=3))
    return group.id, private.id, owner.id


async def test_a_batch_reads_what_the_live_reads_read(store: Store, now: datetime) -> None:
    async with store.write() as tx:
        group, private, owner = await seed(tx, now)
    async with store.read() as tx:
        live = tx.selection
        batch = await tx.load_selection(
            groups=[group], people=[(owner, private, DAY)], threshold=THRESHOLD
        )
        for reads in (live, batch):
            assert await reads.last_delivered(group) == {
                "mini-latency": "2025-03-01",
                "mini-parquet": "2025-03-02",
            }
            assert await reads.members_missed(group, THRESHOLD) == {"mini-latency"}
            assert await reads.due_cards(owner, now) == [
                ("mini-latency", "2025-03-02T09:00:00.000000+00:00")
            ]
            assert [q for q, _, _ in await reads.cards_of(owner)] == [
                "mini-latency",
                "mini-parquet",
            ]
            assert await reads.questions_attempted(owner) == {"mini-latency", "mini-parquet"}
            assert await reads.questions_asked_on(owner, private, DAY) == {
                "mini-latency",
                "mini-parquet",
                "mini-batching",
            }


async def test_a_batch_refuses_chats_players_and_days_it_was_not_loaded_for(
    store: Store, now: datetime
) -> None:
    async with store.write() as tx:
        group, private, owner = await seed(tx, now)
    async with store.read() as tx:
        batch = await tx.load_selection(
            groups=[group], people=[(owner, private, DAY)], threshold=THRESHOLD
        )
        with pytest.raises(NotLoaded):
            await batch.last_delivered(private)
        with pytest.raises(NotLoaded):
            await batch.members_missed(private, THRESHOLD)
        with pytest.raises(NotLoaded):
            await batch.members_missed(group, 0.9)  # loaded for another threshold
        with pytest.raises(NotLoaded):
            await batch.cards_of(owner + 1)
        with pytest.raises(NotLoaded):
            await batch.due_cards(owner + 1, now)
        with pytest.raises(NotLoaded):
            await batch.questions_attempted(owner + 1)
        with pytest.raises(NotLoaded):
            await batch.questions_asked_on(owner, private, "2025-03-04")


def public_methods(cls: type) -> set[str]:
    return {
        name
        for name, member in inspect.getmembers(cls)
        if not name.startswith("_") and callable(member) and name != "load"
    }


def test_a_batch_and_the_live_reads_provide_the_six_selection_reads_and_nothing_else() -> None:
    reads = public_methods(SelectionReads)
    assert len(reads) == 6
    assert public_methods(BatchSelection) == reads
    assert public_methods(LiveSelection) == reads
    assert not issubclass(BatchSelection, UnitOfWork)
