"""Help with an open question: a hint caps the answer's score, "I don't know" rates Again."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.decks.catalog import Catalog
from bot.engine import hints
from bot.engine.grading import Grade
from bot.engine.quiz import Engine
from bot.engine.results import ChatKey
from bot.engine.srs import Rating
from bot.errors import AlreadyAnswered, NoHint, NoOpenQuestion
from tests.helpers import ALICE, ALICE_DM, BOB, GROUP, ask_and_send, full_answer, reply

BOB_DM = ChatKey("telegram", 222)


# -- the pure rule -----------------------------------------------------------------------


def test_a_hint_shows_the_first_required_key_point(catalog: Catalog) -> None:
    question = catalog.by_id["mini-latency"]

    hint = hints.hint_for(question, 7)

    assert hint is not None
    assert hint.point == "The mean hides slow outliers"
    assert (hint.delivery_id, hint.score_cap, hint.points_cap) == (7, 0.5, 5)


def test_multiple_choice_gets_no_hint(catalog: Catalog) -> None:
    assert hints.hint_for(catalog.by_id["mini-parquet"], 1) is None


def test_a_hint_caps_a_full_score_and_keeps_what_was_covered() -> None:
    full = Grade(1.0, (0, 1), (), ("mean", "p99"))

    capped = hints.after_hint(full)

    assert capped.score == hints.HINT_SCORE_CAP
    assert capped.covered == (0, 1)


def test_a_hint_leaves_a_low_score_alone() -> None:
    low = Grade(0.25, (), (0, 1), ())

    assert hints.after_hint(low) == low


def test_giving_up_covers_nothing(catalog: Catalog) -> None:
    given = hints.gave_up(catalog.by_id["mini-latency"])

    assert (given.score, given.covered, given.missed) == (0.0, (), (0, 1))


@pytest.mark.parametrize("text", ["", "   ", "?", "...", "？", "🤔", "\n-\n"])
def test_a_reply_without_words_is_empty(text: str) -> None:
    assert hints.is_empty_answer(text)


@pytest.mark.parametrize("text", ["p99", "数据", "no", "1"])
def test_a_reply_with_words_or_digits_is_an_answer(text: str) -> None:
    assert not hints.is_empty_answer(text)


# -- the engine's use cases ------------------------------------------------------------------


async def test_an_answer_after_a_hint_scores_at_most_the_cap(engine: Engine, now: datetime) -> None:
    asked, _ = await ask_and_send(engine, ALICE_DM, ALICE, now, filter_text="latency")
    hint = await engine.helping.hint(ALICE_DM, ALICE, now)

    result = await reply(engine, ALICE_DM, ALICE, full_answer(asked.question), now)

    assert hint.question.id == asked.question.id
    assert result.hinted
    assert result.grade.score == hints.HINT_SCORE_CAP
    assert result.grade.covered == (0, 1)
    assert result.points == 5
    assert result.proposed_rating == Rating.HARD


async def test_a_second_hint_is_the_same_and_marked_repeated(engine: Engine, now: datetime) -> None:
    asked, _ = await ask_and_send(engine, ALICE_DM, ALICE, now, filter_text="latency")

    first = await engine.helping.hint(ALICE_DM, ALICE, now, delivery_id=asked.delivery_id)
    second = await engine.helping.hint(ALICE_DM, ALICE, now, delivery_id=asked.delivery_id)

    assert (first.repeated, second.repeated) == (False, True)
    assert first.point == second.point


async def test_an_answer_without_a_hint_is_not_capped(engine: Engine, now: datetime) -> None:
    asked, _ = await ask_and_send(engine, ALICE_DM, ALICE, now, filter_text="latency")

    result = await reply(engine, ALICE_DM, ALICE, full_answer(asked.question), now)

    assert not result.hinted
    assert result.grade.score == 1.0


async def test_another_chats_question_gets_no_hint(engine: Engine, now: datetime) -> None:
    asked, _ = await ask_and_send(engine, ALICE_DM, ALICE, now, filter_text="latency")
    await ask_and_send(engine, BOB_DM, BOB, now, filter_text="latency")

    with pytest.raises(NoOpenQuestion):
        await engine.helping.hint(BOB_DM, BOB, now, delivery_id=asked.delivery_id)

    result = await reply(engine, ALICE_DM, ALICE, full_answer(asked.question), now)
    assert not result.hinted  # Bob's try left nothing on Alice's question


async def test_an_answered_question_gets_no_hint(engine: Engine, now: datetime) -> None:
    asked, _ = await ask_and_send(engine, ALICE_DM, ALICE, now, filter_text="latency")
    await reply(engine, ALICE_DM, ALICE, "p99", now)

    with pytest.raises(NoOpenQuestion):
        await engine.helping.hint(ALICE_DM, ALICE, now, delivery_id=asked.delivery_id)


async def test_a_group_gets_no_hint(engine: Engine, now: datetime) -> None:
    await ask_and_send(engine, GROUP, None, now, is_group=True, filter_text="latency")

    with pytest.raises(NoHint):
        await engine.helping.hint(GROUP, BOB, now)


async def test_a_multiple_choice_question_gets_no_hint(engine: Engine, now: datetime) -> None:
    await ask_and_send(engine, ALICE_DM, ALICE, now, filter_text="formats")

    with pytest.raises(NoHint):
        await engine.helping.hint(ALICE_DM, ALICE, now)


async def test_i_dont_know_rates_again_and_keeps_the_streak(engine: Engine, now: datetime) -> None:
    asked, _ = await ask_and_send(engine, ALICE_DM, ALICE, now, filter_text="latency")

    result = await engine.helping.give_up(ALICE_DM, ALICE, now, source_key="idk:1")

    assert result.gave_up
    assert result.question.id == asked.question.id
    assert (result.grade.score, result.points) == (0.0, 0)
    assert result.proposed_rating == Rating.AGAIN
    assert result.streak.answered_today and result.streak.current == 1
    assert await engine.asking.open_question(ALICE_DM) is None  # the question is closed
    stats = await engine.progress.stats(ALICE, now + timedelta(days=1), ALICE_DM)
    assert stats.answered == 1
    assert stats.due_now == 1  # Again: it comes back at once


async def test_i_dont_know_twice_records_it_once(engine: Engine, now: datetime) -> None:
    await ask_and_send(engine, ALICE_DM, ALICE, now, filter_text="latency")

    first = await engine.helping.give_up(ALICE_DM, ALICE, now, source_key="idk:1")
    again = await engine.helping.give_up(ALICE_DM, ALICE, now, source_key="idk:1")

    assert again.duplicate and again.gave_up
    assert again.attempt_id == first.attempt_id


async def test_i_dont_know_after_answering_is_refused(engine: Engine, now: datetime) -> None:
    asked, _ = await ask_and_send(engine, ALICE_DM, ALICE, now, filter_text="latency")
    await reply(engine, ALICE_DM, ALICE, "p99", now)

    with pytest.raises((NoOpenQuestion, AlreadyAnswered)):
        await engine.helping.give_up(
            ALICE_DM, ALICE, now, source_key="idk:2", delivery_id=asked.delivery_id
        )


async def test_i_dont_know_on_multiple_choice_rates_again(engine: Engine, now: datetime) -> None:
    await ask_and_send(engine, ALICE_DM, ALICE, now, filter_text="formats")

    result = await engine.helping.give_up(ALICE_DM, ALICE, now, source_key="idk:3")

    assert result.proposed_rating == Rating.AGAIN
    assert result.points == 0


async def test_a_question_that_failed_to_send_gets_no_help(engine: Engine, now: datetime) -> None:
    asked = await engine.asking.ask(ALICE_DM, ALICE, now, is_group=False, filter_text="latency")
    await engine.asking.question_not_sent(asked.delivery_id, outcome_unknown=False)

    with pytest.raises(NoOpenQuestion):
        await engine.helping.hint(ALICE_DM, ALICE, now, delivery_id=asked.delivery_id)
    with pytest.raises(NoOpenQuestion):
        await engine.helping.give_up(
            ALICE_DM, ALICE, now, source_key="idk:9", delivery_id=asked.delivery_id
        )
