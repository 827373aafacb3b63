"""Answering: grading, points, duplicates, durability, keys and group replies."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.decks.model import Question
from bot.engine.grading import Grade, grade
from bot.engine.points import DAILY_BONUS
from bot.engine.quiz import Engine
from bot.engine.results import ChatKey, PlayerKey
from bot.errors import AlreadyAnswered, NoOpenQuestion
from tests.helpers import (
    ALICE,
    ALICE_DM,
    BOB,
    GROUP,
    ask_and_send,
    full_answer,
    practise,
    reply,
    send,
)


async def test_an_answer_is_graded_against_the_key_points(engine: Engine, now: datetime) -> None:
    await ask_and_send(engine, ALICE_DM, ALICE, now)  # mini-latency
    result = await reply(engine, ALICE_DM, ALICE, "the mean hides outliers", now)
    assert result.question.id == "mini-latency"
    assert result.grade.score == 0.5
    assert result.grade.covered == (0,)
    assert result.points == 5


async def test_an_answer_is_on_disk_when_the_engine_returns(
    engine: Engine, db_path: Path, now: datetime
) -> None:
    await ask_and_send(engine, ALICE_DM, ALICE, now)
    result = await reply(engine, ALICE_DM, ALICE, "outlier and p95", now)
    with sqlite3.connect(db_path) as other:
        rows = other.execute("SELECT id, answer, points FROM attempts").fetchall()
    assert rows == [(result.attempt_id, "outlier and p95", 10)]


async def test_the_same_message_twice_is_one_attempt(
    engine: Engine, db_path: Path, now: datetime
) -> None:
    await ask_and_send(engine, ALICE_DM, ALICE, now)
    first = await engine.answering.answer(ALICE_DM, ALICE, "outlier and p95", now, source_key="m:1")
    again = await engine.answering.answer(
        ALICE_DM, ALICE, "outlier and p95", now + timedelta(seconds=5), source_key="m:1"
    )
    assert not first.duplicate
    assert again.duplicate
    assert (again.attempt_id, again.points, again.grade) == (
        first.attempt_id,
        first.points,
        first.grade,
    )
    with sqlite3.connect(db_path) as other:
        assert other.execute("SELECT count(*) FROM attempts").fetchone()[0] == 1
        assert other.execute("SELECT count(*) FROM reviews").fetchone()[0] == 1


async def test_the_same_message_delivered_concurrently_is_one_attempt(
    engine: Engine, db_path: Path, now: datetime
) -> None:
    asked, message_id = await ask_and_send(engine, GROUP, None, now, is_group=True)
    text = full_answer(asked.question)
    results = await asyncio.gather(
        *(
            engine.answering.answer(
                GROUP, ALICE, text, now, source_key="m:7", reply_to_message_id=message_id
            )
            for _ in range(10)
        )
    )
    assert len({r.attempt_id for r in results}) == 1
    assert sum(not r.duplicate for r in results) == 1
    with sqlite3.connect(db_path) as other:
        assert other.execute("SELECT count(*) FROM attempts").fetchone()[0] == 1
        assert other.execute("SELECT sum(points) FROM scores").fetchone()[0] == 20  # week + all


async def test_a_repeated_group_reply_adds_its_points_once(engine: Engine, now: datetime) -> None:
    asked, message_id = await ask_and_send(engine, GROUP, None, now, is_group=True)
    text = full_answer(asked.question)
    for _ in range(2):
        await engine.answering.answer(
            GROUP, ALICE, text, now, source_key="m:9", reply_to_message_id=message_id
        )
    board = await engine.progress.leaderboard(GROUP, "all", now)
    assert [(e.display_name, e.points) for e in board.entries] == [("Alice", 10)]


async def test_a_second_answer_to_the_same_question_is_refused(
    engine: Engine, now: datetime
) -> None:
    _, message_id = await ask_and_send(engine, GROUP, None, now, is_group=True)
    await reply(engine, GROUP, ALICE, "p95", now, to=message_id)
    with pytest.raises(AlreadyAnswered):
        await reply(engine, GROUP, ALICE, "outlier and p95", now, to=message_id)


async def test_an_answer_closes_a_private_question(engine: Engine, now: datetime) -> None:
    await ask_and_send(engine, ALICE_DM, ALICE, now)
    await reply(engine, ALICE_DM, ALICE, "p95", now)
    with pytest.raises(NoOpenQuestion):
        await reply(engine, ALICE_DM, ALICE, "outliers", now)


async def test_an_answer_in_an_unknown_chat_has_no_question(engine: Engine, now: datetime) -> None:
    with pytest.raises(NoOpenQuestion):
        await reply(engine, ALICE_DM, ALICE, "p95", now)


async def test_a_group_answer_must_reply_to_a_question(engine: Engine, now: datetime) -> None:
    await ask_and_send(engine, GROUP, None, now, is_group=True)
    with pytest.raises(NoOpenQuestion):
        await reply(engine, GROUP, ALICE, "p95", now)
    with pytest.raises(NoOpenQuestion):
        await reply(engine, GROUP, ALICE, "p95", now, to=999_999)


async def test_group_replies_go_to_the_question_they_reply_to(
    engine: Engine, now: datetime
) -> None:
    first, first_message = await ask_and_send(engine, GROUP, None, now, is_group=True)
    await ask_and_send(engine, GROUP, None, now, is_group=True)
    result = await reply(engine, GROUP, ALICE, "p95", now, to=first_message)
    assert result.question.id == first.question.id
    assert result.delivery_id == first.delivery_id


@pytest.mark.parametrize("typed", ["2", "b", "B)", "column-major (parquet)"])
async def test_a_multiple_choice_question_takes_a_typed_option(
    engine: Engine, now: datetime, typed: str
) -> None:
    await engine.asking.ask(ALICE_DM, ALICE, now, is_group=False, filter_text="formats")
    result = await reply(engine, ALICE_DM, ALICE, typed, now)
    assert (result.chosen_option, result.grade.score, result.points) == (1, 1.0, 10)


async def test_a_wrong_option_scores_nothing(engine: Engine, now: datetime) -> None:
    await engine.asking.ask(ALICE_DM, ALICE, now, is_group=False, filter_text="formats")
    result = await reply(engine, ALICE_DM, ALICE, "1", now)
    assert (result.chosen_option, result.grade.score, result.points) == (0, 0.0, 0)


async def test_a_quiz_poll_vote_is_an_attempt_once(engine: Engine, now: datetime) -> None:
    asked = await engine.asking.ask(GROUP, None, now, is_group=True, filter_text="formats")
    await engine.asking.question_sent(asked.delivery_id, now, message_id=5, poll_id="poll-1")
    vote = await engine.answering.answer_choice("poll-1", ALICE, [1], now)
    repeat = await engine.answering.answer_choice("poll-1", ALICE, [1], now)
    assert (vote.grade.score, vote.points, vote.duplicate) == (1.0, 10, False)
    assert (repeat.attempt_id, repeat.duplicate) == (vote.attempt_id, True)


async def test_a_vote_in_an_unknown_poll_is_refused(engine: Engine, now: datetime) -> None:
    with pytest.raises(NoOpenQuestion):
        await engine.answering.answer_choice("nope", ALICE, [0], now)


# -- points ----------------------------------------------------------------------------


async def subscribed_group_daily(engine: Engine, now: datetime) -> int:
    await engine.settings.set_subscribed(GROUP, True, now, is_group=True)
    async with engine.store.read() as tx:
        row = await tx.chats.find(GROUP.platform, GROUP.external_id)
    assert row is not None
    daily = await engine.daily.claim(row.id, now)
    assert daily is not None
    return await send(engine, daily, now)


async def test_the_daily_question_on_its_day_earns_the_bonus(engine: Engine, now: datetime) -> None:
    message_id = await subscribed_group_daily(engine, now)
    result = await reply(
        engine, GROUP, ALICE, "outlier and p95", now + timedelta(hours=2), to=message_id
    )
    assert result.points == 10 + DAILY_BONUS


async def test_the_daily_question_answered_a_day_late_earns_no_bonus(
    engine: Engine, now: datetime
) -> None:
    message_id = await subscribed_group_daily(engine, now)
    result = await reply(
        engine, GROUP, ALICE, "outlier and p95", now + timedelta(days=1), to=message_id
    )
    assert result.points == 10


async def test_a_question_on_request_earns_no_bonus(engine: Engine, now: datetime) -> None:
    result = await practise(engine, ALICE, now)
    assert result.points == 10


# -- keys ------------------------------------------------------------------------------


@pytest.mark.parametrize("external_id", [2**63 - 1, -1001234567890])
async def test_64_bit_chat_and_user_ids_work_end_to_end(
    engine: Engine, now: datetime, external_id: int
) -> None:
    group = ChatKey("telegram", external_id)
    member = PlayerKey("telegram", external_id, "Max")
    asked, message_id = await ask_and_send(engine, group, None, now, is_group=True)
    result = await reply(engine, group, member, full_answer(asked.question), now, to=message_id)
    board = await engine.progress.leaderboard(group, "all", now, member)
    assert result.points == 10
    assert [(e.display_name, e.points, e.is_me) for e in board.entries] == [("Max", 10, True)]


async def test_a_telegram_chat_and_a_discord_channel_with_one_number_never_mix(
    engine: Engine, now: datetime
) -> None:
    telegram, discord = ChatKey("telegram", 42), ChatKey("discord", 42)
    ann_t, ann_d = PlayerKey("telegram", 7, "Ann T"), PlayerKey("discord", 7, "Ann D")
    _, on_telegram = await ask_and_send(engine, telegram, None, now, is_group=True)
    _, on_discord = await ask_and_send(engine, discord, None, now, is_group=True)
    await reply(engine, telegram, ann_t, "outlier and p95", now, to=on_telegram)
    await reply(engine, discord, ann_d, "p95", now, to=on_discord)
    boards = [await engine.progress.leaderboard(chat, "all", now) for chat in (telegram, discord)]
    assert [[(e.display_name, e.points) for e in b.entries] for b in boards] == [
        [("Ann T", 10)],
        [("Ann D", 5)],
    ]


# -- spaced repetition from answers ----------------------------------------------------


async def test_a_members_group_answer_updates_their_own_card(engine: Engine, now: datetime) -> None:
    asked, message_id = await ask_and_send(engine, GROUP, None, now, is_group=True)
    await reply(engine, GROUP, ALICE, full_answer(asked.question), now, to=message_id)
    # In private, the question answered in the group is known: not asked as new...
    private = await engine.asking.ask(ALICE_DM, ALICE, now + timedelta(days=1), is_group=False)
    assert private.question.id == "mini-batching"
    # ...and comes back as a review when its card falls due (Good: two days).
    await engine.answering.skip(ALICE_DM, now + timedelta(days=1))
    review = await engine.asking.ask(ALICE_DM, ALICE, now + timedelta(days=2), is_group=False)
    assert (review.question.id, review.is_review) == ("mini-latency", True)


async def test_stats_see_group_and_private_answers_alike(engine: Engine, now: datetime) -> None:
    _, message_id = await ask_and_send(engine, GROUP, None, now, is_group=True)
    await reply(engine, GROUP, BOB, "p95", now, to=message_id)
    await practise(engine, BOB, now)
    stats = await engine.progress.stats(BOB, now)
    assert (stats.answered, stats.questions_seen) == (2, 2)


async def test_grading_runs_while_the_store_is_free(
    engine: Engine, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Grading is the slow part of an answer: other answers and the inbox use the store
    meanwhile, so it runs before the write that records the answer."""
    import bot.engine.answering as answering

    store_held: list[bool] = []
    real_grade = answering.grade

    def grade(*args: Any, **kwargs: Any) -> Any:
        store_held.append(engine.store._lock.locked())
        return real_grade(*args, **kwargs)

    monkeypatch.setattr(answering, "grade", grade)
    await ask_and_send(engine, ALICE_DM, ALICE, now)
    result = await reply(engine, ALICE_DM, ALICE, "the mean hides outliers", now)
    assert result.grade.covered == (0,)
    assert store_held == [False]


async def test_an_answer_whose_question_changed_after_the_peek_is_graded_against_the_new_one(
    engine: Engine, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The question is found once before grading and again in the write that records the
    answer; if another question was asked in between, the answer counts for that one and
    is graded against it."""
    first, _ = await ask_and_send(engine, ALICE_DM, ALICE, now)
    real_foresee = engine.answering._question_foreseen

    async def foresee_then_skip_and_ask(*args: Any) -> Any:
        foreseen = await real_foresee(*args)
        await engine.answering.skip(ALICE_DM, now)  # meanwhile: /skip, then a new question
        await ask_and_send(engine, ALICE_DM, ALICE, now + timedelta(seconds=1))
        return foreseen

    monkeypatch.setattr(engine.answering, "_question_foreseen", foresee_then_skip_and_ask)
    text = "the mean hides outliers, watch p99"
    result = await reply(engine, ALICE_DM, ALICE, text, now + timedelta(seconds=2))
    assert result.question.id != first.question.id
    expected = grade_for(result.question, text)
    assert (result.grade.score, result.grade.covered) == (expected.score, expected.covered)


def grade_for(question: Question, text: str) -> Grade:
    return grade(text, question.key_points, question.question)
