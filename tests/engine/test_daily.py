"""The daily claim: one question per chat and local day, claimed before it is sent."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.engine.quiz import Engine
from tests.helpers import (
    GROUP,
    chat_id,
    send,
)


async def test_a_chat_gets_one_daily_question_per_local_day(engine: Engine, now: datetime) -> None:
    await engine.settings.set_subscribed(GROUP, True, now, is_group=True, title="Study")
    group_id = await chat_id(engine, GROUP)
    first = await engine.daily.claim(group_id, now)
    again = await engine.daily.claim(group_id, now + timedelta(hours=3))
    tomorrow = await engine.daily.claim(group_id, now + timedelta(days=1))
    assert first is not None
    assert again is None
    assert tomorrow is not None
    assert tomorrow.question.id != first.question.id


async def test_the_daily_day_is_the_chats_local_day(engine: Engine, now: datetime) -> None:
    await engine.settings.set_subscribed(GROUP, True, now, is_group=True)
    await engine.settings.set_timezone(GROUP, "Pacific/Auckland", now, is_group=True)
    daily = await engine.daily.claim(await chat_id(engine, GROUP), now)  # 22:00 in Auckland
    assert daily is not None
    assert daily.local_day.isoformat() == "2025-03-03"
    next_one = await engine.daily.claim(await chat_id(engine, GROUP), now + timedelta(hours=3))
    assert next_one is not None
    assert next_one.local_day.isoformat() == "2025-03-04"


async def test_an_unsubscribed_chat_gets_no_daily_question(engine: Engine, now: datetime) -> None:
    await engine.settings.set_subscribed(GROUP, False, now, is_group=True)
    assert await engine.daily.claim(await chat_id(engine, GROUP), now) is None


async def test_a_daily_claim_not_yet_sent_is_found_after_a_restart(
    engine: Engine, now: datetime
) -> None:
    await engine.settings.set_subscribed(GROUP, True, now, is_group=True)
    daily = await engine.daily.claim(await chat_id(engine, GROUP), now)
    assert daily is not None
    [(unsent, row)] = await engine.daily.unsent("telegram", now)
    assert unsent.delivery_id == daily.delivery_id
    assert row.external_id == GROUP.external_id
    await send(engine, daily, now)
    assert await engine.daily.unsent("telegram", now) == []
