"""A slot's fan-out: every reachable chat once, whatever the platform answers, and once a
day across crashes."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.engine.quiz import Engine
from bot.engine.results import ChatKey
from bot.store import Store
from scheduler.sending import (
    ChatMoved,
    ChatTarget,
    ChatUnreachable,
    OutcomeUnknown,
    RetryLater,
    SendRejected,
)
from scheduler.service import QuizScheduler
from scheduler.settings import SchedulerSettings
from scheduler.slots import Slot
from tests.scheduler.fakes import FakeClock, FakeSender, slow, subscribe, utc

NINE = utc("2025-03-03 09:00")
SLOT = Slot("09:00", "UTC")


async def statuses(store: Store) -> dict[int, str]:
    """Daily delivery status by chat external id."""
    async with (
        store.read() as tx,
        tx.conn.execute(
            "SELECT c.external_id, d.status FROM deliveries d JOIN chats c ON c.id = d.chat_id"
            " WHERE d.kind = 'daily'"
        ) as cursor,
    ):
        return {row[0]: row[1] for row in await cursor.fetchall()}


async def chat_row_active(store: Store, external_id: int) -> bool:
    async with store.read() as tx:
        row = await tx.chats.find("telegram", external_id)
    assert row is not None
    return bool(row.active)


async def test_every_outcome_is_handled_and_every_reachable_chat_gets_one(
    engine: Engine,
    scheduler: QuizScheduler,
    sender: FakeSender,
    clock: FakeClock,
    store: Store,
) -> None:
    for number in range(1, 41):
        await subscribe(engine, number, clock(), group=number % 4 == 0)
    sender.script = {
        3: [RetryLater(0.05), RetryLater(0.05)],
        5: [ChatUnreachable("bot was blocked")],
        8: [ChatMoved(-1008)],
        9: [OutcomeUnknown("read timeout")],
        11: [slow(10)],  # longer than the send timeout: outcome unknown
        13: [SendRejected("400 bad request")],
    }
    await scheduler.resync()
    clock.set(NINE)
    ran = await scheduler.run_due(NINE)

    delivered = sorted(sender.question_chats())
    assert delivered == sorted({*range(1, 41)} - {5, 8, 9, 11, 13} | {-1008})
    assert len(delivered) == len(set(delivered))
    assert sender.calls.count(("question", 3)) == 3  # retried where it was
    assert scheduler.limiter.paused_until > 0
    assert ran[SLOT] == {"sent": 36, "unreachable": 1, "unknown": 2, "failed": 1}
    found = await statuses(store)
    assert found[9] == found[11] == "unknown"
    assert found[13] == "failed"
    assert found[5] == "failed"
    assert found[-1008] == "sent"  # the moved group keeps its history under its new id
    assert not await chat_row_active(store, 5)

    # later that day, and after a restart: nothing is sent again, unknown ones included
    calls = list(sender.calls)
    clock.set(utc("2025-03-03 10:00"))
    await scheduler.run_due(clock())
    restarted = QuizScheduler(engine, sender, settings=scheduler.settings, clock=clock)
    await restarted.resync(at_start=True)
    await restarted.recover(clock())
    assert sender.calls == calls

    # the next day: the blocked chat is left alone, the moved one is sent to its new id
    clock.set(utc("2025-03-04 09:00"))
    await scheduler.run_due(clock())
    next_day = [sent.target.external_id for sent in sender.questions[len(delivered) :]]
    assert sorted(next_day) == sorted({*range(1, 41)} - {5, 8} | {-1008})


async def test_a_slow_chat_does_not_hold_up_the_others(
    engine: Engine, sender: FakeSender, clock: FakeClock, settings: SchedulerSettings
) -> None:
    """The slow chat's send only finishes once every other chat has had its question."""
    scheduler = QuizScheduler(
        engine, sender, settings=replace(settings, send_timeout=10.0, workers=3), clock=clock
    )
    for number in range(1, 31):
        await subscribe(engine, number, clock())
    others_done = asyncio.Event()

    async def gate(_target: ChatTarget) -> None:
        await asyncio.wait_for(others_done.wait(), 5)

    async def watch() -> None:
        while len(sender.questions) < 29:
            await asyncio.sleep(0.001)
        others_done.set()

    sender.script = {2: [gate]}
    await scheduler.resync()
    clock.set(NINE)
    watcher = asyncio.ensure_future(watch())
    ran = await scheduler.run_due(NINE)
    await watcher
    assert ran[SLOT] == {"sent": 30}
    assert sender.question_chats()[-1] == 2


async def test_rate_limited_too_often_counts_as_failed(
    engine: Engine,
    scheduler: QuizScheduler,
    sender: FakeSender,
    clock: FakeClock,
    store: Store,
) -> None:
    await subscribe(engine, 1, clock())
    sender.script = {1: [RetryLater(0.001)] * (scheduler.settings.max_retries + 1)}
    await scheduler.resync()
    clock.set(NINE)
    assert (await scheduler.run_due(NINE))[SLOT] == {"failed": 1}
    assert await statuses(store) == {1: "failed"}


async def test_a_crash_mid_fan_out_is_finished_once_on_restart(
    engine: Engine, clock: FakeClock, settings: SchedulerSettings, store: Store
) -> None:
    """SIGKILL stand-in: the push task is cancelled while one send is in flight."""
    for number in range(20):
        await subscribe(engine, number, clock())
    first = FakeSender(clock)
    in_flight = asyncio.Event()

    async def hang(_target: ChatTarget) -> None:
        in_flight.set()
        await asyncio.sleep(3600)

    first.script = {10: [hang]}
    before = QuizScheduler(engine, first, settings=replace(settings, workers=1), clock=clock)
    await before.resync()
    clock.set(NINE)
    push = asyncio.ensure_future(before.run_due(NINE))
    await asyncio.wait_for(in_flight.wait(), 5)
    push.cancel()
    with pytest.raises(asyncio.CancelledError):
        await push
    assert sorted(first.question_chats()) == list(range(10))
    assert (await statuses(store))[10] == "claimed"

    second = FakeSender(clock)
    after = QuizScheduler(engine, second, settings=settings, clock=clock)
    clock.set(utc("2025-03-03 09:20"))
    await after.resync(at_start=True)
    await after.recover(clock())
    assert sorted(second.question_chats()) == list(range(10, 20))
    assert sorted(first.question_chats() + second.question_chats()) == list(range(20))
    assert set((await statuses(store)).values()) == {"sent"}
    await after.shutdown()


async def test_a_claim_left_unsent_from_an_earlier_day_is_abandoned(
    engine: Engine,
    scheduler: QuizScheduler,
    sender: FakeSender,
    clock: FakeClock,
    store: Store,
) -> None:
    await subscribe(engine, 1, clock())
    async with store.read() as tx:
        row = await tx.chats.find("telegram", 1)
    assert row is not None
    assert await engine.daily.claim(row.id, NINE) is not None  # then the bot died
    clock.set(utc("2025-03-04 08:00"))
    await scheduler.resync(at_start=True)
    await scheduler.recover(clock())
    assert sender.questions == []
    assert await statuses(store) == {1: "failed"}
    clock.set(utc("2025-03-04 09:00"))
    await scheduler.run_due(clock())
    assert [sent.at for sent in sender.questions] == [clock()]


async def test_unsent_claims_of_another_platform_are_left_alone(
    engine: Engine,
    scheduler: QuizScheduler,
    sender: FakeSender,
    clock: FakeClock,
    store: Store,
) -> None:
    discord = ChatKey("discord", 1)
    await engine.settings.set_subscribed(discord, True, clock(), is_group=True)
    async with store.read() as tx:
        row = await tx.chats.find("discord", 1)
    assert row is not None
    assert await engine.daily.claim(row.id, NINE) is not None
    clock.set(utc("2025-03-03 09:10"))
    await scheduler.resync(at_start=True)
    await scheduler.recover(clock())
    assert sender.questions == []
    assert await statuses(store) == {1: "claimed"}


async def test_finishing_unsent_claims_first_waits_out_the_last_second_before_the_crash(
    engine: Engine,
    scheduler: QuizScheduler,
    sender: FakeSender,
    clock: FakeClock,
    store: Store,
) -> None:
    await subscribe(engine, 1, clock())
    async with store.read() as tx:
        row = await tx.chats.find("telegram", 1)
    assert row is not None
    assert await engine.daily.claim(row.id, NINE) is not None  # then the bot died
    clock.set(utc("2025-03-03 09:05"))
    await scheduler.resync(at_start=True)
    assert scheduler.limiter.paused_until == 0

    await scheduler.recover(clock())

    assert scheduler.limiter.paused_until > 0
    assert sender.question_chats() == [1]


async def test_a_restart_with_nothing_unsent_does_not_pause_sends(
    scheduler: QuizScheduler, clock: FakeClock
) -> None:
    await scheduler.resync(at_start=True)
    await scheduler.recover(clock())
    assert scheduler.limiter.paused_until == 0


async def test_with_replicas_a_dead_replicas_unsent_claim_is_finished_by_another_after_its_lease(
    engine: Engine,
    sender: FakeSender,
    settings: SchedulerSettings,
    clock: FakeClock,
    store: Store,
) -> None:
    await subscribe(engine, 1, clock())
    async with store.read() as tx:
        row = await tx.chats.find("telegram", 1)
    assert row is not None
    assert await engine.daily.claim(row.id, NINE) is not None  # ...then its replica died
    survivor = QuizScheduler(engine, sender, settings=settings.for_replicas(), clock=clock)
    lease = survivor.settings.claim_lease
    assert lease > timedelta(0)
    try:
        clock.set(NINE + lease - timedelta(seconds=1))  # the claimer may still be sending
        await survivor.resync(at_start=True)
        await survivor.recover(clock())
        await survivor.tick(clock())
        assert sender.questions == []

        clock.set(NINE + lease)
        await survivor.tick(clock())
        assert sender.question_chats() == [1]
        clock.set(NINE + lease + timedelta(minutes=1))
        await survivor.tick(clock())
        assert sender.question_chats() == [1]
        assert await statuses(store) == {1: "sent"}
    finally:
        await survivor.shutdown()
