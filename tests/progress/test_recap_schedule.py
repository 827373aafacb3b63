"""The weekly recap job: Monday at each group's push time in its timezone, once a week,
through the scheduler with a recording sender and a fake clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.engine.quiz import Engine
from bot.engine.results import ChatKey, PlayerKey
from bot.i18n import translator_for
from bot.presentation.markup import PLAIN
from bot.presentation.recap import recap_text
from bot.progress.recap import Recap, recap_due
from scheduler.limits import Limits
from scheduler.recaps import RecapSender
from scheduler.sending import ChatTarget, ChatUnreachable
from scheduler.service import QuizScheduler
from scheduler.settings import SchedulerSettings
from tests.helpers import at_local, group_round
from tests.scheduler.fakes import FakeClock, FakeSender, subscribe

EN = translator_for("en")
SHANGHAI = "Asia/Shanghai"
ANN = PlayerKey("telegram", 7, "Ann")
BEN = PlayerKey("telegram", 8, "Ben")
SETTINGS = SchedulerSettings(
    limits=Limits(per_second=1e6, per_group_per_minute=1e6, per_chat_per_second=1e6),
    catchup=timedelta(hours=6),
    send_timeout=0.5,
    debounce_seconds=0.01,
    workers=4,
)


@dataclass
class RecapRecorder(FakeSender):
    recaps: list[tuple[datetime, ChatTarget, Recap]] = field(default_factory=list)

    async def send_recap(self, target: ChatTarget, recap: Recap) -> None:
        await self._before("recap", target)
        self.recaps.append((self.clock(), target, recap))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 2, 20, 0, 0, tzinfo=UTC))


@pytest.fixture
async def scheduler(
    progress_engine: Engine, clock: FakeClock
) -> AsyncIterator[tuple[QuizScheduler, RecapRecorder]]:
    sender = RecapRecorder(clock)
    made = QuizScheduler(progress_engine, sender, settings=SETTINGS, clock=clock)
    try:
        yield made, sender
    finally:
        await made.shutdown()


async def active_group(
    engine: Engine, external_id: int, timezone: str, clock: FakeClock
) -> ChatKey:
    group = await subscribe(engine, external_id, clock(), group=True, timezone=timezone)
    for day in range(24, 27):  # Monday to Wednesday of the week of 24 February
        moment = at_local(f"2025-02-{day} 20:00", timezone)
        await group_round(engine, group, moment, {ANN: True, BEN: day != 25})
    return group


def test_a_recap_is_due_on_monday_after_the_push_time() -> None:
    push = time(9, 0)
    monday = datetime(2025, 3, 3, 9, 0)
    assert recap_due(monday - timedelta(minutes=1), push, None) is None
    assert recap_due(monday, push, None) == date(2025, 2, 24)
    assert recap_due(monday + timedelta(hours=14), push, None) == date(2025, 2, 24)
    assert recap_due(monday, push, date(2025, 2, 24)) is None  # already recapped
    assert recap_due(monday, push, date(2025, 2, 17)) == date(2025, 2, 24)
    assert recap_due(monday + timedelta(days=1), push, None) is None  # missed: skipped


async def test_the_recap_goes_out_once_at_the_groups_local_push_time(
    progress_engine: Engine,
    scheduler: tuple[QuizScheduler, RecapRecorder],
    clock: FakeClock,
) -> None:
    jobs, sender = scheduler
    group = await active_group(progress_engine, -300, SHANGHAI, clock)
    push = at_local("2025-03-03 09:00", SHANGHAI)  # Monday 01:00 UTC
    for moment, sent in [
        (at_local("2025-03-02 23:59", SHANGHAI), 0),
        (push - timedelta(minutes=1), 0),
        (push, 1),
        (push + timedelta(minutes=1), 1),
        (push + timedelta(hours=10), 1),
    ]:
        clock.set(moment)
        await jobs.tick(moment)
        assert len(sender.recaps) == sent, moment
    at, target, recap = sender.recaps[0]
    assert at == push
    assert target == ChatTarget("telegram", group.external_id, True, None)
    assert recap.week_start == date(2025, 2, 24)
    assert [m.display_name for m in recap.top] == ["Ann", "Ben"]
    assert "📅 Weekly recap · 24 Feb – 2 Mar 2025" in recap_text(recap, PLAIN, EN)


async def test_a_restart_does_not_send_the_week_again(
    progress_engine: Engine,
    scheduler: tuple[QuizScheduler, RecapRecorder],
    clock: FakeClock,
) -> None:
    jobs, sender = scheduler
    await active_group(progress_engine, -301, "UTC", clock)
    monday = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    await jobs.tick(monday)
    assert len(sender.recaps) == 1
    again = RecapRecorder(clock)
    restarted = QuizScheduler(progress_engine, again, settings=SETTINGS, clock=clock)
    try:
        await restarted.tick(monday + timedelta(minutes=5))
    finally:
        await restarted.shutdown()
    assert again.recaps == []


async def test_a_quiet_group_is_claimed_but_sent_nothing(
    progress_engine: Engine,
    scheduler: tuple[QuizScheduler, RecapRecorder],
    clock: FakeClock,
) -> None:
    jobs, sender = scheduler
    await subscribe(progress_engine, -302, clock(), group=True)
    monday = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    assert await jobs.recaps.run(monday) == {"quiet week": 1}
    assert await jobs.recaps.run(monday + timedelta(minutes=1)) == {}
    assert sender.recaps == []


async def test_a_sender_without_recaps_gets_none_and_claims_nothing(
    progress_engine: Engine, clock: FakeClock
) -> None:
    await active_group(progress_engine, -303, "UTC", clock)
    plain = FakeSender(clock)
    assert not isinstance(plain, RecapSender)
    jobs = QuizScheduler(progress_engine, plain, settings=SETTINGS, clock=clock)
    try:
        monday = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
        await jobs.tick(monday)
        assert len(await progress_engine.recaps.due("telegram", monday)) == 1  # still due
    finally:
        await jobs.shutdown()


async def test_a_group_that_blocked_the_bot_is_deactivated(
    progress_engine: Engine,
    scheduler: tuple[QuizScheduler, RecapRecorder],
    clock: FakeClock,
) -> None:
    jobs, sender = scheduler
    group = await active_group(progress_engine, -304, "UTC", clock)
    sender.script[group.external_id] = [ChatUnreachable("kicked")]
    monday = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    assert await jobs.recaps.run(monday) == {"unreachable": 1}
    settings = await progress_engine.settings.of(group)
    assert settings is not None and not settings.active


async def test_each_week_gets_its_own_recap(
    progress_engine: Engine,
    scheduler: tuple[QuizScheduler, RecapRecorder],
    clock: FakeClock,
) -> None:
    jobs, sender = scheduler
    group = await active_group(progress_engine, -305, "UTC", clock)
    await jobs.tick(datetime(2025, 3, 3, 9, 0, tzinfo=UTC))
    await group_round(progress_engine, group, datetime(2025, 3, 5, 20, tzinfo=UTC), {BEN: True})
    await jobs.tick(datetime(2025, 3, 10, 9, 30, tzinfo=UTC))
    assert [recap.week_start for _, _, recap in sender.recaps] == [
        date(2025, 2, 24),
        date(2025, 3, 3),
    ]
    assert [m.display_name for m in sender.recaps[1][2].top] == ["Ben"]
