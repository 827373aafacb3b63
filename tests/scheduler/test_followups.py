"""Group reveals at their reveal time, and evening reminders only to players at risk."""

from __future__ import annotations

from datetime import time, timedelta

from bot.engine.quiz import Engine
from bot.engine.results import ChatKey, PlayerKey
from bot.store import Store
from scheduler.sending import ChatUnreachable, RetryLater
from scheduler.service import QuizScheduler
from tests.helpers import reply
from tests.scheduler.fakes import FakeClock, FakeSender, subscribe, utc

ANN = PlayerKey("telegram", 7, "Ann")


async def test_a_group_answer_is_revealed_at_its_reveal_time_once(
    engine: Engine, scheduler: QuizScheduler, sender: FakeSender, clock: FakeClock
) -> None:
    group = await subscribe(engine, -50, clock(), group=True)  # reveal 240 min after
    await scheduler.resync()
    clock.set(utc("2025-03-03 09:00"))
    await scheduler.run_due(clock())
    message_id = sender.message_id_of(-50)
    await reply(engine, group, ANN, "p99 outliers", utc("2025-03-03 09:05"), to=message_id)

    for moment, expected in [
        (utc("2025-03-03 12:59"), 0),
        (utc("2025-03-03 13:00"), 1),
        (utc("2025-03-03 13:01"), 1),
        (utc("2025-03-03 20:00"), 1),
    ]:
        clock.set(moment)
        await scheduler.run_due(moment)
        assert len(sender.reveals) == expected, moment
    revealed = sender.reveals[0]
    assert revealed.at == utc("2025-03-03 13:00")
    assert revealed.reveal is not None
    assert revealed.reveal.message_id == message_id
    assert [entry.display_name for entry in revealed.reveal.entries] == ["Ann"]


async def test_reveals_of_another_platform_are_not_taken(
    engine: Engine, scheduler: QuizScheduler, sender: FakeSender, clock: FakeClock, store: Store
) -> None:
    discord = ChatKey("discord", -1)
    await engine.settings.set_subscribed(discord, True, clock(), is_group=True)
    async with store.read() as tx:
        row = await tx.chats.find("discord", -1)
    assert row is not None
    asked = await engine.daily.claim(row.id, utc("2025-03-03 09:00"))
    assert asked is not None
    await engine.asking.question_sent(asked.delivery_id, utc("2025-03-03 09:00"), message_id=3)
    await scheduler.tick(utc("2025-03-03 14:00"))
    assert sender.reveals == []
    assert len(await engine.reveals.due("discord", utc("2025-03-03 14:00"))) == 1


async def test_a_rate_limited_reveal_is_retried_and_a_blocked_group_deactivated(
    engine: Engine, scheduler: QuizScheduler, sender: FakeSender, clock: FakeClock, store: Store
) -> None:
    await subscribe(engine, -1, clock(), group=True)
    await subscribe(engine, -2, clock(), group=True)
    await scheduler.resync()
    clock.set(utc("2025-03-03 09:00"))
    await scheduler.run_due(clock())
    sender.script = {-1: [RetryLater(0.01)], -2: [ChatUnreachable()]}
    await scheduler.tick(utc("2025-03-03 13:00"))
    assert [sent.target.external_id for sent in sender.reveals] == [-1]
    async with store.read() as tx:
        blocked = await tx.chats.find("telegram", -2)
    assert blocked is not None
    assert not blocked.active


async def answer_daily(engine: Engine, external_id: int, when: str) -> None:
    player = PlayerKey("telegram", external_id, f"Player {external_id}")
    await reply(engine, ChatKey("telegram", external_id), player, "no idea", utc(when))


async def test_reminders_go_only_to_players_at_risk_once_a_day(
    engine: Engine, scheduler: QuizScheduler, sender: FakeSender, clock: FakeClock
) -> None:
    clock.set(utc("2025-03-02 23:00"))
    for number in (1, 2, 3, 4, 6):
        await subscribe(engine, number, clock())  # 09:00 UTC
    await subscribe(engine, 5, clock(), timezone="Asia/Tokyo")  # 09:00 JST = 00:00 UTC
    await scheduler.resync()
    await scheduler.run_due(clock.set(utc("2025-03-03 00:00")))
    await answer_daily(engine, 5, "2025-03-03 00:30")
    await scheduler.run_due(clock.set(utc("2025-03-03 09:00")))
    for number in (1, 2, 3, 6):
        await answer_daily(engine, number, "2025-03-03 09:30")  # 4 never answers
    await engine.settings.set_reminders(PlayerKey("telegram", 3, "Player 3"), False, clock())
    await engine.settings.set_chat_active(ChatKey("telegram", 6), False)  # blocked the bot
    await scheduler.run_due(clock.set(utc("2025-03-04 09:00")))
    await answer_daily(engine, 2, "2025-03-04 09:30")  # 2 keeps the streak today

    reminded: list[tuple[str, list[int]]] = []
    moment = utc("2025-03-04 09:40")
    while moment <= utc("2025-03-05 12:00"):
        clock.set(moment)
        await scheduler.tick(moment)
        names = [sent.target.external_id for sent in sender.reminders]
        if not reminded or reminded[-1][1] != names:
            reminded.append((moment.strftime("%d %H:%M"), names))
        moment += timedelta(minutes=20)
    # Tokyo's 20:00 is 11:00 UTC; UTC players at 20:00; nobody twice, nobody else
    assert reminded == [("04 09:40", []), ("04 11:00", [5]), ("04 20:00", [5, 1])]
    streak = sender.reminders[1].streak
    assert streak is not None
    assert (streak.current, streak.freezes) == (1, 0)
    assert all(not sent.target.is_group for sent in sender.reminders)


async def test_remind_at_is_configurable_and_a_restart_does_not_remind_twice(
    engine: Engine, sender: FakeSender, clock: FakeClock, scheduler: QuizScheduler
) -> None:
    await subscribe(engine, 1, clock())
    await scheduler.resync()
    await scheduler.run_due(clock.set(utc("2025-03-03 09:00")))
    await answer_daily(engine, 1, "2025-03-03 09:30")
    scheduler.followups.remind_at = time(18, 30)
    await scheduler.tick(clock.set(utc("2025-03-04 18:29")))
    assert sender.reminders == []
    await scheduler.tick(clock.set(utc("2025-03-04 18:30")))
    assert len(sender.reminders) == 1
    restarted = QuizScheduler(engine, sender, settings=scheduler.settings, clock=clock)
    await restarted.tick(clock.set(utc("2025-03-04 21:00")))
    assert len(sender.reminders) == 1
