"""Who is due a streak reminder: the pure rule, and the engine's query at timezone edges."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.engine.quiz import Engine
from bot.engine.reminders import reminder_due
from bot.engine.results import ChatKey, PlayerKey
from bot.engine.streaks import StreakState
from bot.store import Store
from tests.scheduler.fakes import utc

EVENING = time(20, 0)
MONDAY = date(2025, 3, 3)


def local(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=UTC)


@pytest.mark.parametrize(
    ("state", "moment", "reminded", "expected"),
    [
        (StreakState(3, 3, date(2025, 3, 2), 0), local(MONDAY, time(20, 0)), None, True),
        (StreakState(3, 3, date(2025, 3, 2), 0), local(MONDAY, time(19, 59)), None, False),
        (StreakState(3, 3, date(2025, 3, 2), 0), local(MONDAY, time(20, 0)), MONDAY, False),
        (
            StreakState(3, 3, date(2025, 3, 2), 0),
            local(MONDAY, time(23, 0)),
            date(2025, 3, 2),
            True,
        ),
        (StreakState(3, 3, MONDAY, 0), local(MONDAY, time(21, 0)), None, False),  # answered
        (StreakState(3, 3, date(2025, 3, 1), 0), local(MONDAY, time(21, 0)), None, False),  # lost
        (StreakState(0, 0, None, 0), local(MONDAY, time(21, 0)), None, False),  # no streak
        # a freeze covers one missed day: not at risk the day after, at risk the day after that
        (StreakState(9, 9, date(2025, 3, 2), 1), local(MONDAY, time(21, 0)), None, False),
        (StreakState(9, 9, date(2025, 3, 1), 1), local(MONDAY, time(21, 0)), None, True),
    ],
)
def test_reminder_rule(
    state: StreakState, moment: datetime, reminded: date | None, expected: bool
) -> None:
    assert reminder_due(state, moment, EVENING, reminded) is expected


async def player_with_streak(
    engine: Engine, store: Store, number: int, timezone: str, last_day: str, freezes: int = 0
) -> None:
    player = PlayerKey("telegram", number, f"P{number}")
    await engine.settings.set_timezone(
        ChatKey("telegram", number),
        timezone,
        utc("2025-03-01 00:00"),
        is_group=False,
        player=player,
    )
    await engine.settings.ensure_chat(
        ChatKey("telegram", number), utc("2025-03-01 00:00"), is_group=False, owner=player
    )
    async with store.write() as tx:
        user = await tx.users.find("telegram", number)
        assert user is not None
        await tx.users.save_streak(
            user.id, current=5, longest=5, last_active_day=last_day, freezes=freezes
        )


@pytest.mark.parametrize(
    ("timezone", "last_day", "moment", "expected_day"),
    [
        # 20:00 on Tuesday 4 March in Kiritimati (UTC+14) is 06:00 UTC on the 4th
        ("Pacific/Kiritimati", "2025-03-03", "2025-03-04 06:00", "2025-03-04"),
        # 20:00 on Monday 3 March in Pago Pago (UTC-11) is 07:00 UTC on the 4th
        ("Pacific/Pago_Pago", "2025-03-02", "2025-03-04 07:00", "2025-03-03"),
        ("UTC", "2025-03-03", "2025-03-04 20:00", "2025-03-04"),
    ],
)
async def test_players_at_the_edges_of_the_date_line_are_found(
    engine: Engine,
    store: Store,
    timezone: str,
    last_day: str,
    moment: str,
    expected_day: str,
) -> None:
    await player_with_streak(engine, store, 1, timezone, last_day)
    await player_with_streak(engine, store, 2, timezone, last_day, freezes=1)  # covered
    due = await engine.daily.reminders_due("telegram", utc(moment), EVENING)
    assert [(item.chat_external_id, item.local_day.isoformat()) for item in due] == [
        (1, expected_day)
    ]
    assert await engine.daily.reminders_due("discord", utc(moment), EVENING) == []
    assert await engine.daily.claim_reminder(due[0].user_id, due[0].local_day)
    assert not await engine.daily.claim_reminder(due[0].user_id, due[0].local_day)
    assert await engine.daily.reminders_due("telegram", utc(moment), EVENING) == []
