"""Group reveals: the model answer is shown once, on time or on /reveal."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.engine.quiz import Engine
from bot.errors import AlreadyRevealed, NoOpenQuestion
from tests.helpers import ALICE, ALICE_DM, BOB, GROUP, ask_and_send, group_round, reply

REVEAL_AFTER = timedelta(minutes=240)  # a new chat's default


async def test_a_group_reveal_comes_due_after_the_chats_delay(
    engine: Engine, now: datetime
) -> None:
    asked, message_id = await ask_and_send(engine, GROUP, None, now, is_group=True)
    assert await engine.reveals.due(GROUP.platform, now + REVEAL_AFTER - timedelta(seconds=1)) == []
    [reveal] = await engine.reveals.due(GROUP.platform, now + REVEAL_AFTER)
    assert (reveal.delivery_id, reveal.question.id) == (asked.delivery_id, asked.question.id)
    assert (reveal.platform, reveal.chat_external_id, reveal.message_id) == (
        GROUP.platform,
        GROUP.external_id,
        message_id,
    )


async def test_each_due_reveal_is_returned_once(engine: Engine, now: datetime) -> None:
    await ask_and_send(engine, GROUP, None, now, is_group=True)
    first = await engine.reveals.due(GROUP.platform, now + REVEAL_AFTER)
    later = await engine.reveals.due(GROUP.platform, now + 2 * REVEAL_AFTER)
    assert (len(first), later) == (1, [])


async def test_a_reveal_lists_the_members_results_best_first(engine: Engine, now: datetime) -> None:
    await group_round(engine, GROUP, now, {BOB: False, ALICE: True})
    [reveal] = await engine.reveals.due(GROUP.platform, now + REVEAL_AFTER)
    assert [(e.display_name, e.score, e.points) for e in reveal.entries] == [
        ("Alice", 1.0, 10),
        ("Bob", 0.0, 0),
    ]


async def test_a_question_never_sent_is_not_revealed(engine: Engine, now: datetime) -> None:
    await engine.asking.ask(GROUP, None, now, is_group=True)
    assert await engine.reveals.due(GROUP.platform, now + REVEAL_AFTER) == []


async def test_a_private_question_has_no_scheduled_reveal(engine: Engine, now: datetime) -> None:
    await ask_and_send(engine, ALICE_DM, ALICE, now)
    assert await engine.reveals.due(GROUP.platform, now + timedelta(days=2)) == []


async def test_a_reveal_on_request_happens_once(engine: Engine, now: datetime) -> None:
    asked, _ = await ask_and_send(engine, GROUP, None, now, is_group=True)
    reveal = await engine.reveals.reveal(GROUP, now + timedelta(minutes=5))
    assert reveal.delivery_id == asked.delivery_id
    with pytest.raises(NoOpenQuestion):  # nothing is waiting for its answer any more
        await engine.reveals.reveal(GROUP, now + timedelta(minutes=6))
    assert await engine.reveals.due(GROUP.platform, now + REVEAL_AFTER) == []


async def test_revealing_a_question_by_its_message_twice_is_refused(
    engine: Engine, now: datetime
) -> None:
    _, message_id = await ask_and_send(engine, GROUP, None, now, is_group=True)
    await engine.reveals.reveal(GROUP, now, message_id=message_id)
    with pytest.raises(AlreadyRevealed):
        await engine.reveals.reveal(GROUP, now, message_id=message_id)


async def test_a_scheduled_reveal_then_a_request_reveals_once(
    engine: Engine, now: datetime
) -> None:
    _, message_id = await ask_and_send(engine, GROUP, None, now, is_group=True)
    assert len(await engine.reveals.due(GROUP.platform, now + REVEAL_AFTER)) == 1
    with pytest.raises(AlreadyRevealed):
        await engine.reveals.reveal(GROUP, now + REVEAL_AFTER, message_id=message_id)


async def test_reveal_without_a_question_has_nothing_to_show(engine: Engine, now: datetime) -> None:
    await engine.settings.ensure_chat(GROUP, now, is_group=True)
    with pytest.raises(NoOpenQuestion):
        await engine.reveals.reveal(GROUP, now)


async def test_skipping_a_group_question_reveals_it(engine: Engine, now: datetime) -> None:
    asked, _ = await ask_and_send(engine, GROUP, None, now, is_group=True)
    skipped = await engine.answering.skip(GROUP, now)
    assert skipped.id == asked.question.id
    assert await engine.reveals.due(GROUP.platform, now + REVEAL_AFTER) == []


async def test_a_late_answer_after_the_reveal_still_counts(engine: Engine, now: datetime) -> None:
    asked, message_id = await ask_and_send(engine, GROUP, None, now, is_group=True)
    await engine.reveals.due(GROUP.platform, now + REVEAL_AFTER)
    late = now + REVEAL_AFTER + timedelta(minutes=1)
    result = await reply(engine, GROUP, ALICE, "outlier and p95", late, to=message_id)
    assert (result.question.id, result.points) == (asked.question.id, 10)
    assert result.streak.current == 1
    board = await engine.progress.leaderboard(GROUP, "all", late)
    assert [(e.display_name, e.points) for e in board.entries] == [("Alice", 10)]
