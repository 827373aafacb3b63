"""Daily streaks: consecutive local days with an answer, with freezes.

The first half specifies the pure rules (bot.engine.streaks); the second drives them
through the engine, where "local" means the player's timezone, else the chat's.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.decks.catalog import Catalog
from bot.engine.quiz import Defaults, Engine
from bot.engine.results import ChatKey, PlayerKey
from bot.engine.streaks import (
    MAX_FREEZES,
    StreakState,
    at_risk,
    live_streak,
    record_answer,
)
from bot.store import Store
from tests.helpers import ALICE, ALICE_DM, ask_and_send, at_local, full_answer, practise, reply

MONDAY = date(2025, 3, 3)


def day(n: int) -> date:
    return MONDAY + timedelta(days=n)


def run_of(days: int, *, start: int = 0) -> StreakState:
    state = StreakState()
    for n in range(start, start + days):
        state = record_answer(state, day(n)).state
    return state


# -- the rules -------------------------------------------------------------------------


def test_a_first_answer_starts_a_streak_of_one() -> None:
    change = record_answer(StreakState(), MONDAY)
    assert (change.state.current, change.state.longest, change.extended) == (1, 1, True)


def test_answers_on_consecutive_days_extend_the_streak() -> None:
    assert run_of(3).current == 3


def test_a_second_answer_on_the_same_day_changes_nothing() -> None:
    state = run_of(2)
    change = record_answer(state, day(1))
    assert change.state == state
    assert not change.extended


def test_an_answer_on_an_earlier_local_day_changes_nothing() -> None:
    state = run_of(2)
    assert record_answer(state, day(0)).state == state


def test_a_missed_day_without_a_freeze_starts_over_and_keeps_the_longest() -> None:
    change = record_answer(run_of(3), day(4))
    assert (change.state.current, change.state.longest) == (1, 3)
    assert change.broken_streak == 3


def test_a_streak_is_alive_until_the_end_of_the_day_after_the_last_answer() -> None:
    state = run_of(3)  # last answer on day(2)
    assert live_streak(state, day(2)) == 3
    assert live_streak(state, day(3)) == 3
    assert live_streak(state, day(4)) == 0


def test_a_streak_is_at_risk_on_the_day_after_the_last_answer() -> None:
    state = run_of(3)
    assert not at_risk(state, day(2))
    assert at_risk(state, day(3))
    assert not at_risk(state, day(4))  # already lost


def test_a_seven_day_run_earns_a_freeze() -> None:
    assert run_of(6).freezes == 0
    change = record_answer(run_of(6), day(6))
    assert change.freeze_earned
    assert change.state.freezes == 1


def test_each_seven_day_run_earns_one_more_freeze() -> None:
    assert run_of(13).freezes == 1
    assert run_of(14).freezes == 2


def test_at_most_two_freezes_are_held() -> None:
    assert MAX_FREEZES == 2
    state = run_of(28)
    assert state.freezes == 2
    assert not record_answer(run_of(27), day(27)).freeze_earned


def test_a_missed_day_uses_a_freeze_automatically() -> None:
    change = record_answer(run_of(7), day(8))  # day(7) missed
    assert change.frozen_days == (day(7),)
    assert (change.state.current, change.state.freezes) == (8, 0)
    assert change.broken_streak == 0


def test_two_missed_days_use_two_freezes() -> None:
    change = record_answer(run_of(14), day(16))
    assert change.frozen_days == (day(14), day(15))
    assert (change.state.current, change.state.freezes) == (15, 0)


def test_more_missed_days_than_freezes_break_the_streak_and_keep_the_freezes() -> None:
    change = record_answer(run_of(7), day(9))  # two missed, one freeze
    assert change.frozen_days == ()
    assert (change.state.current, change.state.freezes) == (1, 1)
    assert change.broken_streak == 7


def test_a_held_freeze_keeps_the_streak_alive_a_day_longer() -> None:
    state = run_of(7)  # last answer day(6), one freeze
    assert live_streak(state, day(8)) == 7
    assert not at_risk(state, day(7))
    assert at_risk(state, day(8))
    assert live_streak(state, day(9)) == 0


# -- through the engine ----------------------------------------------------------------

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"


async def set_timezone(engine: Engine, zone: str, now: datetime) -> None:
    await engine.settings.set_timezone(ALICE_DM, zone, now, is_group=False, player=ALICE)


async def test_answers_at_2359_and_0001_local_are_two_days(engine: Engine) -> None:
    await set_timezone(engine, BERLIN, at_local("2025-03-03 12:00", BERLIN))
    first = await practise(engine, ALICE, at_local("2025-03-03 23:59", BERLIN))
    second = await practise(engine, ALICE, at_local("2025-03-04 00:01", BERLIN))
    assert (first.streak.current, second.streak.current) == (1, 2)
    assert second.streak_extended


async def test_two_answers_in_one_local_day_count_once(engine: Engine) -> None:
    await set_timezone(engine, BERLIN, at_local("2025-03-03 12:00", BERLIN))
    await practise(engine, ALICE, at_local("2025-03-03 00:01", BERLIN))
    second = await practise(engine, ALICE, at_local("2025-03-03 23:59", BERLIN))
    assert second.streak.current == 1
    assert not second.streak_extended


@pytest.mark.parametrize(
    ("zone", "change_day"),
    [
        (BERLIN, "2025-03-30"),  # spring forward: 02:00 -> 03:00
        (BERLIN, "2025-10-26"),  # fall back: 03:00 -> 02:00
        (NEW_YORK, "2025-03-09"),
        (NEW_YORK, "2025-11-02"),
    ],
)
async def test_local_days_follow_daylight_saving_changes(
    engine: Engine, store: Store, zone: str, change_day: str
) -> None:
    change = date.fromisoformat(change_day)
    before, after = change - timedelta(days=1), change + timedelta(days=1)
    moments = [
        f"{before} 23:59",
        f"{change} 00:01",
        f"{change} 23:59",
        f"{after} 00:01",
    ]
    await set_timezone(engine, zone, at_local(moments[0], zone))
    results = [await practise(engine, ALICE, at_local(m, zone)) for m in moments]
    assert [r.streak.current for r in results] == [1, 2, 2, 3]
    async with store.read() as tx:
        user = await tx.users.find(ALICE.platform, ALICE.external_id)
        assert user is not None
        days = await tx.attempts.answered_days(user.id)
    assert days == [(before.isoformat(), 1), (change_day, 2), (after.isoformat(), 1)]


async def test_a_streak_follows_the_player_to_a_new_timezone(engine: Engine) -> None:
    await set_timezone(engine, BERLIN, at_local("2025-03-03 12:00", BERLIN))
    monday = await practise(engine, ALICE, at_local("2025-03-03 23:30", BERLIN))
    await set_timezone(engine, NEW_YORK, at_local("2025-03-03 18:00", NEW_YORK))
    # Still Monday in New York: the same local day, not a second one.
    again = await practise(engine, ALICE, at_local("2025-03-03 18:00", NEW_YORK))
    tuesday = await practise(engine, ALICE, at_local("2025-03-04 20:00", NEW_YORK))
    assert [monday.streak.current, again.streak.current, tuesday.streak.current] == [1, 1, 2]


async def test_moving_east_into_a_later_day_continues_the_streak(engine: Engine) -> None:
    await set_timezone(engine, NEW_YORK, at_local("2025-03-03 12:00", NEW_YORK))
    await practise(engine, ALICE, at_local("2025-03-03 20:00", NEW_YORK))  # Tue 02:00 Berlin
    await set_timezone(engine, BERLIN, at_local("2025-03-04 09:00", BERLIN))
    tuesday = await practise(engine, ALICE, at_local("2025-03-04 20:00", BERLIN))
    assert tuesday.streak.current == 2


async def test_a_player_without_a_timezone_uses_the_chats(engine: Engine) -> None:
    group = ChatKey("telegram", -100777)
    tokyo = "Asia/Tokyo"
    await engine.settings.set_timezone(
        group, tokyo, at_local("2025-03-03 09:00", tokyo), is_group=True
    )
    results = []
    for moment in ("2025-03-03 23:30", "2025-03-04 00:30"):
        now = at_local(moment, tokyo)
        asked, message_id = await ask_and_send(engine, group, None, now, is_group=True)
        results.append(
            await reply(engine, group, ALICE, full_answer(asked.question), now, to=message_id)
        )
    assert [r.streak.current for r in results] == [1, 2]


async def test_a_new_chat_uses_the_default_timezone(store: Store, catalog: Catalog) -> None:
    engine = Engine(store, catalog, Defaults(timezone="Asia/Tokyo"))
    first = await practise(engine, ALICE, at_local("2025-03-03 23:30", "Asia/Tokyo"))
    second = await practise(engine, ALICE, at_local("2025-03-04 00:30", "Asia/Tokyo"))
    assert [first.streak.current, second.streak.current] == [1, 2]


async def test_one_streak_spans_all_of_a_players_chats(engine: Engine, now: datetime) -> None:
    group = ChatKey("telegram", -100777)
    asked, message_id = await ask_and_send(engine, group, None, now, is_group=True)
    in_group = await reply(engine, group, ALICE, full_answer(asked.question), now, to=message_id)
    same_day = await practise(engine, ALICE, now + timedelta(hours=1))
    next_day = await practise(engine, ALICE, now + timedelta(days=1))
    assert [in_group.streak.current, same_day.streak.current, next_day.streak.current] == [1, 1, 2]
    streak = await engine.progress.streak(ALICE, now + timedelta(days=1), group)
    assert streak.current == 2
    assert streak.answered_today


async def test_the_same_number_on_another_platform_is_another_player(
    engine: Engine, now: datetime
) -> None:
    await practise(engine, ALICE, now)
    twin = PlayerKey("discord", ALICE.external_id, "Alice")
    other = await practise(engine, twin, now + timedelta(days=1))
    assert other.streak.current == 1


async def test_the_streak_reported_later_is_the_live_one(engine: Engine, now: datetime) -> None:
    await practise(engine, ALICE, now)
    tomorrow = await engine.progress.streak(ALICE, now + timedelta(days=1))
    gone = await engine.progress.streak(ALICE, now + timedelta(days=2))
    assert (tomorrow.current, tomorrow.at_risk, tomorrow.answered_today) == (1, True, False)
    assert (gone.current, gone.longest) == (0, 1)


async def test_a_seven_day_run_reports_the_freeze_it_earned(engine: Engine, now: datetime) -> None:
    results = [await practise(engine, ALICE, now + timedelta(days=n)) for n in range(7)]
    assert [r.freeze_earned for r in results] == [False] * 6 + [True]
    assert results[-1].streak.freezes == 1


async def test_the_answer_after_a_missed_day_reports_the_frozen_day(
    engine: Engine, store: Store, now: datetime
) -> None:
    for n in range(7):
        await practise(engine, ALICE, now + timedelta(days=n))
    back = await practise(engine, ALICE, now + timedelta(days=8))
    assert back.frozen_days == (day(7),)
    assert (back.streak.current, back.streak.freezes, back.broken_streak) == (8, 0, 0)
    async with store.read() as tx:
        user = await tx.users.find(ALICE.platform, ALICE.external_id)
        assert user is not None
        assert await tx.users.frozen_days(user.id) == [day(7).isoformat()]


async def test_the_answer_after_a_lost_streak_reports_its_length(
    engine: Engine, now: datetime
) -> None:
    for n in range(3):
        await practise(engine, ALICE, now + timedelta(days=n))
    back = await practise(engine, ALICE, now + timedelta(days=5))
    assert (back.streak.current, back.streak.longest, back.broken_streak) == (1, 3, 3)
