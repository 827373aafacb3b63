"""Reading a group question's answer first (Answer by DM) costs that question's points."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.engine.quiz import Engine
from bot.engine.results import ChatKey
from bot.errors import NoOpenQuestion
from tests.helpers import ALICE, ALICE_DM, BOB, GROUP, ask_and_send, reply

OTHER_GROUP = ChatKey("telegram", -1009999999999)

STRONG = "The mean hides slow outliers, so we watch p95 and p99: the tail."


async def test_an_answer_after_peeking_earns_no_points(engine: Engine, now: datetime) -> None:
    asked, message_id = await ask_and_send(
        engine, GROUP, None, now, is_group=True, filter_text="latency"
    )
    await engine.reveals.record_peek(asked.delivery_id, GROUP, viewer=BOB, now=now)

    result = await reply(engine, GROUP, BOB, STRONG, now + timedelta(minutes=1), to=message_id)

    assert result.grade.score == 1.0
    assert result.points == 0
    assert result.streak.answered_today  # the answer still counts for the streak


async def test_peeking_does_not_touch_other_members(engine: Engine, now: datetime) -> None:
    asked, message_id = await ask_and_send(
        engine, GROUP, None, now, is_group=True, filter_text="latency"
    )
    await engine.reveals.record_peek(asked.delivery_id, GROUP, viewer=BOB, now=now)

    result = await reply(engine, GROUP, ALICE, STRONG, now, to=message_id)

    assert result.points > 0


async def test_peeking_after_answering_keeps_the_points(engine: Engine, now: datetime) -> None:
    asked, message_id = await ask_and_send(
        engine, GROUP, None, now, is_group=True, filter_text="latency"
    )
    result = await reply(engine, GROUP, BOB, STRONG, now, to=message_id)
    await engine.reveals.record_peek(asked.delivery_id, GROUP, viewer=BOB, now=now)

    board = await engine.progress.leaderboard(GROUP, "all", now)

    assert [(e.display_name, e.points) for e in board.entries] == [("Bob", result.points)]
    assert result.points > 0


async def test_looking_up_a_question_without_a_viewer_records_nothing(
    engine: Engine, now: datetime
) -> None:
    asked, message_id = await ask_and_send(
        engine, GROUP, None, now, is_group=True, filter_text="latency"
    )
    await engine.reveals.question_in_chat(asked.delivery_id, GROUP)

    result = await reply(engine, GROUP, BOB, STRONG, now, to=message_id)

    assert result.points > 0


async def test_a_delivery_is_only_found_from_its_own_chat(engine: Engine, now: datetime) -> None:
    asked, _ = await ask_and_send(engine, GROUP, None, now, is_group=True, filter_text="latency")

    assert await engine.asking.delivery_chat(delivery_id=asked.delivery_id) == GROUP
    assert await engine.asking.delivery_chat(delivery_id=asked.delivery_id + 99) is None
    with pytest.raises(NoOpenQuestion):
        await engine.reveals.record_peek(asked.delivery_id, ALICE_DM, viewer=BOB, now=now)
    with pytest.raises(NoOpenQuestion):
        await engine.reveals.question_in_chat(asked.delivery_id, OTHER_GROUP)
    assert (await engine.reveals.question_in_chat(asked.delivery_id, GROUP)).id == asked.question.id
