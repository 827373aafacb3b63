"""The daily push on a fake clock: local times, DST days, catch-up after downtime, and
schedule changes taking effect the next day."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.engine.quiz import Engine
from bot.engine.results import ChatKey
from bot.store import Store
from scheduler.service import QuizScheduler
from scheduler.slots import Slot
from tests.scheduler.fakes import FakeClock, FakeSender, minutes, subscribe, utc


async def drive(
    scheduler: QuizScheduler, clock: FakeClock, start: datetime, end: datetime, step: int = 10
) -> list[tuple[datetime, Slot]]:
    """Run the schedule every `step` minutes; returns (when, slot) of every slot run."""
    ran = []
    for moment in minutes(start, end, step):
        clock.set(moment)
        for slot in await scheduler.run_due(moment):
            ran.append((moment, slot))
    return ran


def sent_at(sender: FakeSender, external_id: int) -> list[datetime]:
    return [sent.at for sent in sender.questions if sent.target.external_id == external_id]


async def chat_id(store: Store, external_id: int) -> int:
    async with store.read() as tx:
        row = await tx.chats.find("telegram", external_id)
    assert row is not None
    return row.id


async def daily_days(store: Store, external_id: int) -> list[tuple[str, str]]:
    """(local_day, status) of a chat's daily deliveries."""
    async with (
        store.read() as tx,
        tx.conn.execute(
            "SELECT d.local_day, d.status FROM deliveries d JOIN chats c ON c.id = d.chat_id"
            " WHERE c.external_id = ? AND d.kind = 'daily' ORDER BY d.id",
            (external_id,),
        ) as cursor,
    ):
        return [(row[0], row[1]) for row in await cursor.fetchall()]


async def test_nine_in_shanghai_goes_out_at_one_utc(
    engine: Engine, scheduler: QuizScheduler, sender: FakeSender, clock: FakeClock
) -> None:
    await subscribe(engine, 1, clock(), timezone="Asia/Shanghai")
    await subscribe(engine, 2, clock(), push_time="09:00", timezone="UTC")
    await scheduler.resync()
    await drive(scheduler, clock, utc("2025-03-03 00:00"), utc("2025-03-04 12:00"), step=5)
    assert sent_at(sender, 1) == [utc("2025-03-03 01:00"), utc("2025-03-04 01:00")]
    assert sent_at(sender, 2) == [utc("2025-03-03 09:00"), utc("2025-03-04 09:00")]


async def test_chats_are_grouped_into_slots(
    engine: Engine, scheduler: QuizScheduler, clock: FakeClock
) -> None:
    for number in range(12):
        zone = ("UTC", "Asia/Shanghai", "Europe/Berlin")[number % 3]
        await subscribe(
            engine, number, clock(), push_time=("09:00", "18:30")[number % 2], timezone=zone
        )
    await engine.settings.set_subscribed(ChatKey("telegram", 0), False, clock(), is_group=False)
    await scheduler.resync()
    assert scheduler.slots == {
        Slot("09:00", "Asia/Shanghai"): 2,
        Slot("09:00", "Europe/Berlin"): 2,
        Slot("09:00", "UTC"): 1,
        Slot("18:30", "Asia/Shanghai"): 2,
        Slot("18:30", "Europe/Berlin"): 2,
        Slot("18:30", "UTC"): 2,
    }


@pytest.mark.parametrize(
    ("timezone", "push_time", "day", "expected_utc"),
    [
        ("Europe/Berlin", "02:30", date(2025, 3, 30), "2025-03-30 01:30"),  # spring forward
        ("Europe/Berlin", "02:30", date(2025, 10, 26), "2025-10-26 00:30"),  # fall back
        ("America/New_York", "02:30", date(2025, 3, 9), "2025-03-09 07:30"),  # spring forward
        ("America/New_York", "01:30", date(2025, 11, 2), "2025-11-02 05:30"),  # fall back
        ("America/New_York", "02:30", date(2025, 11, 2), "2025-11-02 07:30"),  # fall back
    ],
)
async def test_dst_days_push_exactly_once(
    engine: Engine,
    scheduler: QuizScheduler,
    sender: FakeSender,
    clock: FakeClock,
    store: Store,
    timezone: str,
    push_time: str,
    day: date,
    expected_utc: str,
) -> None:
    start = clock.set(datetime.combine(day - timedelta(days=1), datetime.min.time(), UTC))
    await subscribe(engine, 1, start, push_time=push_time, timezone=timezone, group=True)
    await scheduler.resync()
    ran = await drive(scheduler, clock, start, start + timedelta(days=3), step=10)
    zone = ZoneInfo(timezone)
    local_days = [moment.astimezone(zone).date() for moment in sent_at(sender, 1)]
    assert len(local_days) == len(set(local_days)), "two questions on one local day"
    assert utc(expected_utc) in sent_at(sender, 1)
    assert day in local_days
    # the slot itself ran once a local day (not only held back by the database)
    assert len(ran) == len({moment.astimezone(zone).date() for moment, _ in ran})
    assert [status for _, status in await daily_days(store, 1)] == ["sent"] * len(local_days)


async def test_a_missed_slot_is_caught_up_within_the_window(
    engine: Engine, scheduler: QuizScheduler, sender: FakeSender, clock: FakeClock
) -> None:
    for number in range(5):
        await subscribe(engine, number, clock())  # 09:00 UTC
    clock.set(utc("2025-03-03 14:30"))  # the bot was down from before 09:00 until now
    await scheduler.resync(at_start=True)
    await scheduler.recover(clock())
    assert sorted(sender.question_chats()) == list(range(5))
    assert {sent.at for sent in sender.questions} == {utc("2025-03-03 14:30")}
    await drive(scheduler, clock, utc("2025-03-03 14:40"), utc("2025-03-04 08:50"))
    assert len(sender.questions) == 5


async def test_catch_up_skips_chats_that_already_had_theirs(
    engine: Engine, scheduler: QuizScheduler, sender: FakeSender, clock: FakeClock, store: Store
) -> None:
    for number in range(5):
        await subscribe(engine, number, clock())
    nine = utc("2025-03-03 09:00")
    for external_id in (1, 2):  # delivered by the bot before it went down
        asked = await engine.daily.claim(await chat_id(store, external_id), nine)
        assert asked is not None
        await engine.asking.question_sent(asked.delivery_id, nine, message_id=1)
    clock.set(utc("2025-03-03 10:00"))
    await scheduler.resync(at_start=True)
    ran = await scheduler.recover(clock())
    assert sorted(sender.question_chats()) == [0, 3, 4]
    assert ran == {Slot("09:00", "UTC"): {"sent": 3}}


async def test_a_slot_missed_beyond_the_window_is_skipped_with_a_log_line(
    engine: Engine,
    scheduler: QuizScheduler,
    sender: FakeSender,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    for number in range(3):
        await subscribe(engine, number, clock())
    clock.set(utc("2025-03-03 15:01"))  # 6 h 1 min late
    await scheduler.resync(at_start=True)
    with caplog.at_level(logging.WARNING, logger="scheduler.daily"):
        assert await scheduler.recover(clock()) == {}
    assert sender.questions == []
    assert "skipping the 09:00 UTC push of 2025-03-03" in caplog.text
    await drive(scheduler, clock, utc("2025-03-03 15:10"), utc("2025-03-04 09:00"))
    assert sorted(sender.question_chats()) == [0, 1, 2]
    assert {sent.at for sent in sender.questions} == {utc("2025-03-04 09:00")}


async def test_catch_up_never_sends_yesterdays_question_after_midnight(
    engine: Engine, scheduler: QuizScheduler, sender: FakeSender, clock: FakeClock
) -> None:
    await subscribe(engine, 1, clock(), push_time="22:00", timezone="Europe/Berlin")
    clock.set(utc("2025-03-03 23:30"))  # 00:30 in Berlin: within 6 h, but the day is over
    await scheduler.resync(at_start=True)
    assert await scheduler.recover(clock()) == {}
    await drive(scheduler, clock, utc("2025-03-03 23:40"), utc("2025-03-04 21:00"))
    assert sent_at(sender, 1) == [utc("2025-03-04 21:00")]


async def test_a_new_time_takes_effect_the_next_day(
    engine: Engine, scheduler: QuizScheduler, sender: FakeSender, clock: FakeClock
) -> None:
    morning = await subscribe(engine, 1, clock(), push_time="09:00")
    evening = await subscribe(engine, 2, clock(), push_time="18:00")
    await subscribe(engine, 3, clock(), push_time="18:00")
    await scheduler.resync()
    await drive(scheduler, clock, utc("2025-03-03 00:00"), utc("2025-03-03 10:00"))
    await engine.settings.set_push_time(morning, "18:00", clock(), is_group=False)  # had today's
    await engine.settings.set_push_time(evening, "09:00", clock(), is_group=False)  # 09:00 is past
    await scheduler.resync()
    await drive(scheduler, clock, utc("2025-03-03 10:10"), utc("2025-03-04 20:00"))
    assert sent_at(sender, 1) == [utc("2025-03-03 09:00"), utc("2025-03-04 18:00")]
    assert sent_at(sender, 2) == [utc("2025-03-04 09:00")]
    assert sent_at(sender, 3) == [utc("2025-03-03 18:00"), utc("2025-03-04 18:00")]


async def test_a_new_timezone_takes_effect_the_next_local_day(
    engine: Engine, scheduler: QuizScheduler, sender: FakeSender, clock: FakeClock, store: Store
) -> None:
    east = await subscribe(engine, 1, clock())
    west = await subscribe(engine, 2, clock())
    await scheduler.resync()
    await drive(scheduler, clock, utc("2025-03-03 00:00"), utc("2025-03-03 10:00"))
    await engine.settings.set_timezone(east, "Asia/Tokyo", clock(), is_group=False)
    await engine.settings.set_timezone(west, "America/New_York", clock(), is_group=False)
    await scheduler.resync()
    await drive(scheduler, clock, utc("2025-03-03 10:10"), utc("2025-03-04 15:00"))
    # 09:00 in Tokyo on 4 March is 00:00 UTC; New York's 3 March already had its question
    assert sent_at(sender, 1) == [utc("2025-03-03 09:00"), utc("2025-03-04 00:00")]
    assert sent_at(sender, 2) == [utc("2025-03-03 09:00"), utc("2025-03-04 14:00")]
    assert [day for day, _ in await daily_days(store, 2)] == ["2025-03-03", "2025-03-04"]


async def test_unsubscribed_and_inactive_chats_get_nothing(
    engine: Engine, scheduler: QuizScheduler, sender: FakeSender, clock: FakeClock
) -> None:
    quitter = await subscribe(engine, 1, clock())
    await subscribe(engine, 2, clock())
    blocked = await subscribe(engine, 3, clock())
    await engine.settings.set_subscribed(quitter, False, clock(), is_group=False)
    await engine.settings.set_chat_active(blocked, False)
    await scheduler.resync()
    await drive(scheduler, clock, utc("2025-03-03 08:00"), utc("2025-03-03 10:00"))
    assert sender.question_chats() == [2]


async def test_a_chat_that_unsubscribes_after_the_slot_was_read_is_skipped(
    engine: Engine, scheduler: QuizScheduler, sender: FakeSender, clock: FakeClock
) -> None:
    for number in range(3):
        await subscribe(engine, number, clock())
    await scheduler.resync()
    clock.set(utc("2025-03-03 09:00"))
    original = engine.daily.chats_to_push

    async def then_unsubscribe(*args: object) -> list:  # type: ignore[type-arg]
        chats = await original(*args)  # type: ignore[arg-type]
        await engine.settings.set_subscribed(ChatKey("telegram", 1), False, clock(), is_group=False)
        return chats

    engine.daily.chats_to_push = then_unsubscribe  # type: ignore[method-assign]
    ran = await scheduler.run_due(clock())
    assert sorted(sender.question_chats()) == [0, 2]
    assert ran[Slot("09:00", "UTC")] == {"sent": 2, "claimed before": 1}
