"""Asking: which question a person or a group gets on request, and filters."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.engine.quiz import Engine
from bot.errors import UnknownFilter
from tests.helpers import (
    ALICE,
    ALICE_DM,
    BOB,
    GROUP,
    ask_and_send,
    chat_id,
    group_round,
    practise,
    reply,
)

DECK_ORDER = ["mini-latency", "mini-batching", "mini-parquet", "mini-ml-when"]


async def asked_ids(engine: Engine, now: datetime, times: int) -> list[str]:
    """The questions of `times` /quiz rounds in Alice's private chat, each answered well."""
    return [(await practise(engine, ALICE, now)).question.id for _ in range(times)]


# -- a person --------------------------------------------------------------------------


async def test_a_person_gets_new_questions_in_deck_order(engine: Engine, now: datetime) -> None:
    assert await asked_ids(engine, now, 4) == DECK_ORDER


async def test_a_due_review_comes_before_new_questions(engine: Engine, now: datetime) -> None:
    await practise(engine, ALICE, now)  # mini-latency, Good: due in two days
    later = now + timedelta(days=3)
    asked = await engine.asking.ask(ALICE_DM, ALICE, later, is_group=False)
    assert asked.question.id == "mini-latency"
    assert asked.is_review


async def test_the_most_overdue_review_comes_first(engine: Engine, now: datetime) -> None:
    await practise(engine, ALICE, now, good=True)  # mini-latency: Good, due in 2 days
    await practise(engine, ALICE, now, good=False)  # mini-batching: Again, due tomorrow
    later = now + timedelta(days=5)
    assert await asked_ids(engine, later, 3) == ["mini-batching", "mini-latency", "mini-parquet"]


async def test_a_card_due_later_today_is_due_today(engine: Engine, now: datetime) -> None:
    # Answered at 09:05, Good: due two days later at 09:05. The 09:00 push that day
    # must still find it due, or day-based reviews would slip a day.
    await practise(engine, ALICE, now + timedelta(minutes=5))
    push = now + timedelta(days=2)
    asked = await engine.asking.ask(ALICE_DM, ALICE, push, is_group=False)
    assert asked.question.id == "mini-latency"


async def test_a_card_due_tomorrow_waits(engine: Engine, now: datetime) -> None:
    await practise(engine, ALICE, now)  # due in two days
    asked = await engine.asking.ask(ALICE_DM, ALICE, now + timedelta(days=1), is_group=False)
    assert asked.question.id == "mini-batching"
    assert not asked.is_review


async def test_a_question_met_today_is_not_asked_again(engine: Engine, now: datetime) -> None:
    first = await engine.asking.ask(ALICE_DM, ALICE, now, is_group=False)
    await engine.answering.skip(ALICE_DM, now)
    second = await engine.asking.ask(ALICE_DM, ALICE, now, is_group=False)
    assert (first.question.id, second.question.id) == ("mini-latency", "mini-batching")


async def test_a_question_met_yesterday_can_come_again(engine: Engine, now: datetime) -> None:
    await engine.asking.ask(ALICE_DM, ALICE, now, is_group=False)
    await engine.answering.skip(ALICE_DM, now)
    asked = await engine.asking.ask(ALICE_DM, ALICE, now + timedelta(days=1), is_group=False)
    assert asked.question.id == "mini-latency"


async def test_on_request_a_question_is_repeated_once_all_were_met_today(
    engine: Engine, now: datetime
) -> None:
    assert await asked_ids(engine, now, 4) == DECK_ORDER
    again = await engine.asking.ask(ALICE_DM, ALICE, now, is_group=False)
    assert again.question.id in DECK_ORDER


async def test_the_daily_question_never_repeats_one_met_today(
    engine: Engine, now: datetime
) -> None:
    await engine.settings.set_subscribed(ALICE_DM, True, now, is_group=False, owner=ALICE)
    await asked_ids(engine, now, 4)
    private_chat = await chat_id(engine, ALICE_DM)
    assert await engine.daily.claim(private_chat, now) is None
    tomorrow = await engine.daily.claim(private_chat, now + timedelta(days=1))
    assert tomorrow is not None


async def test_the_daily_question_skips_the_one_just_asked(engine: Engine, now: datetime) -> None:
    await engine.settings.set_subscribed(ALICE_DM, True, now, is_group=False, owner=ALICE)
    asked = await engine.asking.ask(ALICE_DM, ALICE, now - timedelta(hours=1), is_group=False)
    daily = await engine.daily.claim(await chat_id(engine, ALICE_DM), now)
    assert daily is not None
    assert daily.question.id != asked.question.id
    assert daily.kind == "daily"


async def test_a_new_question_closes_the_one_left_open(engine: Engine, now: datetime) -> None:
    await ask_and_send(engine, ALICE_DM, ALICE, now)
    second, _ = await ask_and_send(engine, ALICE_DM, ALICE, now)
    result = await reply(engine, ALICE_DM, ALICE, "throughput and wait", now)
    assert result.question.id == second.question.id == "mini-batching"


async def test_the_open_question_can_be_shown_again(engine: Engine, now: datetime) -> None:
    asked, _ = await ask_and_send(engine, ALICE_DM, ALICE, now)
    waiting = await engine.asking.open_question(ALICE_DM)
    assert waiting is not None
    assert waiting.delivery_id == asked.delivery_id
    await reply(engine, ALICE_DM, ALICE, "p95", now)
    assert await engine.asking.open_question(ALICE_DM) is None


# -- filters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filter_text", "expected"),
    [
        ("formats", "mini-parquet"),  # a tag
        ("batching", "mini-batching"),  # a tag
        ("ch1.1", "mini-ml-when"),  # part of a topic
        ("data formats", "mini-parquet"),  # part of a topic
        ("  DMLS   ch3.1 ", "mini-parquet"),  # case and spacing do not matter
        ("mini", "mini-latency"),  # a deck
    ],
)
async def test_quiz_takes_a_topic_tag_or_deck_filter(
    engine: Engine, now: datetime, filter_text: str, expected: str
) -> None:
    asked = await engine.asking.ask(ALICE_DM, ALICE, now, is_group=False, filter_text=filter_text)
    assert asked.question.id == expected


async def test_an_unknown_filter_lists_what_exists(engine: Engine, now: datetime) -> None:
    with pytest.raises(UnknownFilter) as raised:
        await engine.asking.ask(ALICE_DM, ALICE, now, is_group=False, filter_text="kubernetes")
    error = raised.value
    assert error.text == "kubernetes"
    assert error.decks == ["mini"]
    assert error.tags == ["latency", "batching", "formats"]
    assert "DMLS ch3.1 data formats" in error.topics
    assert len(error.topics) == 3


async def test_an_unknown_filter_claims_nothing(engine: Engine, now: datetime) -> None:
    with pytest.raises(UnknownFilter):
        await engine.asking.ask(ALICE_DM, ALICE, now, is_group=False, filter_text="kubernetes")
    assert await engine.asking.open_question(ALICE_DM) is None


async def test_a_filtered_quiz_repeats_within_the_filter_when_all_were_met(
    engine: Engine, now: datetime
) -> None:
    for _ in range(3):
        asked = await engine.asking.ask(ALICE_DM, ALICE, now, is_group=False, filter_text="formats")
        assert asked.question.id == "mini-parquet"


# -- a group ---------------------------------------------------------------------------


async def group_asks(engine: Engine, now: datetime, days: int) -> list[str]:
    ids = []
    for n in range(days):
        asked, _ = await ask_and_send(engine, GROUP, None, now + timedelta(days=n), is_group=True)
        ids.append(asked.question.id)
    return ids


async def test_a_group_gets_unseen_questions_in_deck_order(engine: Engine, now: datetime) -> None:
    assert await group_asks(engine, now, 4) == DECK_ORDER


async def test_a_group_then_gets_the_question_it_saw_least_recently(
    engine: Engine, now: datetime
) -> None:
    await group_asks(engine, now, 4)
    asked = await engine.asking.ask(GROUP, ALICE, now + timedelta(days=4), is_group=True)
    assert asked.question.id == "mini-latency"
    assert not asked.is_review


async def test_a_group_gets_a_question_its_members_missed_first(
    engine: Engine, now: datetime
) -> None:
    await group_round(engine, GROUP, now, {ALICE: True, BOB: True})  # latency: right
    await group_round(engine, GROUP, now + timedelta(days=1), {ALICE: False, BOB: False})
    await group_asks(engine, now + timedelta(days=2), 2)  # parquet, ml-when
    # A week on, batching (missed) comes before latency (seen least recently).
    later = now + timedelta(days=9)
    asked = await engine.asking.ask(GROUP, None, later, is_group=True)
    assert asked.question.id == "mini-batching"


async def test_a_missed_question_counts_its_members_private_answers(
    engine: Engine, now: datetime
) -> None:
    await group_round(engine, GROUP, now, {ALICE: True})  # Alice is a member
    await group_asks(engine, now + timedelta(days=1), 3)
    missed = await practise(engine, ALICE, now, good=False)  # in private
    assert missed.question.id == "mini-batching"
    asked = await engine.asking.ask(GROUP, None, now + timedelta(days=10), is_group=True)
    assert asked.question.id == "mini-batching"
