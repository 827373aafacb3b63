"""Two replicas' schedulers on one PostgreSQL database (two stores, two pools, two
senders, one injected clock) run the same slots and ticks at the same moments: every
chat gets its daily question once and every group its reveal once, whichever replica
gets there first; a replica that dies mid fan-out leaves its unsent claims to the other
once their lease has run out."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest

from bot.decks.catalog import Catalog
from bot.engine.quiz import Engine
from bot.engine.results import ChatKey, PlayerKey
from bot.store.pgdatabase import PostgresStore
from scheduler.service import QuizScheduler
from scheduler.settings import SchedulerSettings
from tests.helpers import reply
from tests.scheduler.fakes import FakeClock, FakeSender, slow, subscribe, utc

NINE = utc("2025-03-03 09:00")
PEOPLE = range(1, 31)
GROUPS = range(-10, 0)


@dataclass
class Replica:
    store: PostgresStore
    engine: Engine
    sender: FakeSender
    scheduler: QuizScheduler


@pytest.fixture
async def replicas(
    postgres_url: str, catalog: Catalog, clock: FakeClock, settings: SchedulerSettings
) -> AsyncIterator[list[Replica]]:
    made: list[Replica] = []
    try:
        for _ in range(2):
            store = await PostgresStore.open(postgres_url)
            engine = Engine(store, catalog)  # type: ignore[arg-type]
            sender = FakeSender(clock)
            scheduler = QuizScheduler(engine, sender, settings=settings.for_replicas(), clock=clock)
            made.append(Replica(store, engine, sender, scheduler))
        yield made
    finally:
        for replica in made:
            await replica.scheduler.shutdown()
            await replica.store.close()


async def subscribe_all(engine: Engine, clock: FakeClock) -> list[int]:
    for number in PEOPLE:
        await subscribe(engine, number, clock())
    for number in GROUPS:
        await subscribe(engine, number, clock(), group=True)
    return sorted([*PEOPLE, *GROUPS])


async def test_two_replicas_push_each_chats_question_and_each_groups_reveal_once(
    replicas: list[Replica], clock: FakeClock
) -> None:
    first, second = replicas
    chats = await subscribe_all(first.engine, clock)
    for replica in replicas:
        await replica.scheduler.resync(at_start=True)

    clock.set(NINE)
    await asyncio.gather(*(r.scheduler.run_due(NINE) for r in replicas))

    sent = [r.sender.question_chats() for r in replicas]
    assert sorted(sent[0] + sent[1]) == chats
    assert set(sent[0]).isdisjoint(sent[1])

    for number in GROUPS:
        holder = first if number in sent[0] else second
        message_id = holder.sender.message_id_of(number)
        player = PlayerKey("telegram", 7, "Ann")
        when = NINE + timedelta(minutes=5)
        await reply(first.engine, ChatKey("telegram", number), player, "p99", when, to=message_id)

    reveal_time = NINE + timedelta(hours=4)
    clock.set(reveal_time)
    await asyncio.gather(*(r.scheduler.tick(reveal_time) for r in replicas))
    await asyncio.gather(*(r.scheduler.tick(reveal_time) for r in replicas))

    revealed = [[s.target.external_id for s in r.sender.reveals] for r in replicas]
    assert sorted(revealed[0] + revealed[1]) == sorted(GROUPS)
    assert set(revealed[0]).isdisjoint(revealed[1])
    assert sorted(sent[0] + sent[1]) == chats  # no question sent again


async def test_a_replica_dying_mid_fanout_leaves_its_unsent_claims_to_the_other_after_the_lease(
    replicas: list[Replica], clock: FakeClock
) -> None:
    dying, survivor = replicas
    dying.scheduler.daily.workers = 2  # claims a batch or two ahead, then hangs
    chats = await subscribe_all(dying.engine, clock)
    dying.sender.script = {number: [slow(3600)] for number in chats}
    for replica in replicas:
        await replica.scheduler.resync(at_start=True)
    clock.set(NINE)
    fanout = asyncio.ensure_future(dying.scheduler.run_due(NINE))
    for _ in range(200):  # until it has claimed some and hangs in its sends
        await asyncio.sleep(0.01)
        if len(dying.sender.calls) >= 2:
            break
    fanout.cancel()  # ...the replica dies: its claims stay unsent
    await asyncio.gather(fanout, return_exceptions=True)
    claimed = {number for _, number in dying.sender.calls}
    assert claimed and dying.sender.questions == []

    lease = survivor.scheduler.settings.claim_lease
    await survivor.scheduler.run_due(NINE)  # the rest of the slot, at once
    later = NINE + lease - timedelta(seconds=1)
    clock.set(later)
    await survivor.scheduler.tick(later)
    assert not claimed & set(survivor.sender.question_chats())  # still the dead one's

    clock.set(NINE + lease)
    await survivor.scheduler.tick(clock())
    clock.set(NINE + lease + timedelta(minutes=1))
    await survivor.scheduler.tick(clock())
    assert sorted(survivor.sender.question_chats()) == chats  # each once
