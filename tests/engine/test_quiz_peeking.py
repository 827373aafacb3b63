"""Reading a group question's answer first (Answer by DM) costs that question's points."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.engine.quiz import Engine
from tests.helpers import ALICE, BOB, GROUP, ask_and_send, reply

STRONG = "The mean hides slow outliers, so we watch p95 and p99: the tail."


async def test_an_answer_after_peeking_earns_no_points(engine: Engine, now: datetime) -> None:
    asked, message_id = await ask_and_send(
        engine, GROUP, None, now, is_group=True, filter_text="latency"
    )
    await engine.delivered_question(asked.delivery_id, viewer=BOB, now=now)

    result = await reply(engine, GROUP, BOB, STRONG, now + timedelta(minutes=1), to=message_id)

    assert result.grade.score == 1.0
    assert result.points == 0
    assert result.streak.answered_today  # the answer still counts for the streak


async def test_peeking_does_not_touch_other_members(engine: Engine, now: datetime) -> None:
    asked, message_id = await ask_and_send(
        engine, GROUP, None, now, is_group=True, filter_text="latency"
    )
    await engine.delivered_question(asked.delivery_id, viewer=BOB, now=now)

    result = await reply(engine, GROUP, ALICE, STRONG, now, to=message_id)

    assert result.points > 0


async def test_peeking_after_answering_keeps_the_points(engine: Engine, now: datetime) -> None:
    asked, message_id = await ask_and_send(
        engine, GROUP, None, now, is_group=True, filter_text="latency"
    )
    result = await reply(engine, GROUP, BOB, STRONG, now, to=message_id)
    await engine.delivered_question(asked.delivery_id, viewer=BOB, now=now)

    board = await engine.leaderboard(GROUP, "all", now)

    assert [(e.display_name, e.points) for e in board.entries] == [("Bob", result.points)]
    assert result.points > 0


async def test_looking_up_a_question_without_a_viewer_records_nothing(
    engine: Engine, now: datetime
) -> None:
    asked, message_id = await ask_and_send(
        engine, GROUP, None, now, is_group=True, filter_text="latency"
    )
    await engine.delivered_question(asked.delivery_id)

    result = await reply(engine, GROUP, BOB, STRONG, now, to=message_id)

    assert result.points > 0
