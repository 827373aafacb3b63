"""`/quiz weak`: drill the topics where the player's scores or recall are lowest."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.decks.catalog import Catalog
from bot.engine import srs
from bot.engine.quiz import Engine
from bot.engine.results import ChatKey, PlayerKey
from bot.engine.weak import TopicStrength, is_weak_filter, topic_strengths, weakest
from bot.progress.weak import NO_HISTORY_NOTE, drill_note, note_of
from tests.helpers import ALICE, ALICE_DM, ask_and_send, full_answer, reply, wrong_answer

CACHING, INDEXES, QUEUES = "Caching basics", "Indexes", "Queues <and> streams"
GROUP = ChatKey("telegram", -100777)


async def answer_topic(
    engine: Engine, topic: str, good: bool, now: datetime, *, times: int = 1
) -> None:
    for _ in range(times):
        asked, _ = await ask_and_send(engine, ALICE_DM, ALICE, now, filter_text=topic)
        text = full_answer(asked.question) if good else wrong_answer(asked.question)
        await reply(engine, ALICE_DM, ALICE, text, now)


@pytest.mark.parametrize("text", ["weak", " Weak ", "WEAK"])
def test_the_filter_word(text: str) -> None:
    assert is_weak_filter(text)


@pytest.mark.parametrize("text", [None, "", "weakest", "weak topics", "latency"])
def test_other_filters_are_not_the_drill(text: str | None) -> None:
    assert not is_weak_filter(text)


async def test_a_newcomer_drills_the_whole_deck_with_a_note(
    progress_engine: Engine, now: datetime
) -> None:
    asked = await progress_engine.asking.ask(
        ALICE_DM, ALICE, now, is_group=False, filter_text="weak"
    )
    assert asked.drill == ()
    assert note_of(asked) == NO_HISTORY_NOTE
    assert asked.question.id == progress_engine.catalog.questions[0].id  # the usual first


async def test_the_drill_asks_from_the_lowest_scoring_topics(
    progress_engine: Engine, now: datetime
) -> None:
    await answer_topic(progress_engine, CACHING, True, now, times=2)
    await answer_topic(progress_engine, INDEXES, False, now, times=2)
    await answer_topic(progress_engine, QUEUES, False, now)
    later = now + timedelta(hours=1)
    for step in range(4):
        asked = await progress_engine.asking.ask(
            ALICE_DM, ALICE, later + timedelta(minutes=step), is_group=False, filter_text="weak"
        )
        assert asked.drill == (INDEXES, QUEUES)
        assert asked.question.topic in (INDEXES, QUEUES)
        assert note_of(asked) == f"Weak-topic drill: {INDEXES}; {QUEUES}."
        await progress_engine.answering.skip(ALICE_DM, later + timedelta(minutes=step))


async def test_fading_recall_makes_a_well_answered_topic_weak(
    progress_engine: Engine, now: datetime
) -> None:
    await answer_topic(progress_engine, CACHING, True, now, times=2)  # right, long ago
    months_later = now + timedelta(days=120)
    await answer_topic(progress_engine, INDEXES, True, months_later, times=2)  # right, today
    strengths = {s.topic: s for s in await strengths_of(progress_engine, months_later)}
    assert strengths[CACHING].score == 1.0
    assert strengths[CACHING].recall is not None and strengths[CACHING].recall < 0.85
    assert strengths[INDEXES].recall == pytest.approx(1.0, abs=0.01)
    asked = await progress_engine.asking.ask(
        ALICE_DM, ALICE, months_later, is_group=False, filter_text="weak"
    )
    assert asked.drill == (CACHING,)
    assert asked.question.topic == CACHING


async def test_when_every_topic_is_strong_the_weakest_one_is_drilled(
    progress_engine: Engine, now: datetime
) -> None:
    await answer_topic(progress_engine, CACHING, True, now, times=2)
    await answer_topic(progress_engine, INDEXES, True, now)
    asked = await progress_engine.asking.ask(
        ALICE_DM, ALICE, now, is_group=False, filter_text="weak"
    )
    assert asked.drill == (CACHING,)  # deck order breaks ties


async def test_answers_with_nothing_to_grade_do_not_make_a_topic_weak(
    progress_engine: Engine, now: datetime
) -> None:
    await answer_topic(progress_engine, "open questions", True, now)  # ungradable: score 0
    asked = await progress_engine.asking.ask(
        ALICE_DM, ALICE, now, is_group=False, filter_text="weak"
    )
    assert asked.drill == ()


async def test_the_drill_in_a_group_uses_the_asking_members_history(
    progress_engine: Engine, now: datetime
) -> None:
    await answer_topic(progress_engine, CACHING, True, now, times=2)
    await answer_topic(progress_engine, QUEUES, False, now, times=2)
    asked = await progress_engine.asking.ask(GROUP, ALICE, now, is_group=True, filter_text="weak")
    assert asked.question.topic == QUEUES
    assert note_of(asked) == f"Weak-topic drill: {QUEUES}."
    stranger = PlayerKey("telegram", 999, "Stranger")
    other = await progress_engine.asking.ask(
        GROUP, stranger, now, is_group=True, filter_text="weak"
    )
    assert note_of(other) == NO_HISTORY_NOTE


async def test_other_filters_still_work(progress_engine: Engine, now: datetime) -> None:
    asked = await progress_engine.asking.ask(
        ALICE_DM, ALICE, now, is_group=False, filter_text="queue"
    )
    assert asked.question.topic == QUEUES and note_of(asked) == ""


def test_strength_is_the_weaker_signal(progress_catalog: Catalog) -> None:
    questions = progress_catalog.questions
    averages = {"drill-cache-hit": 0.9, "drill-cache-evict": 0.5, "drill-notes-free": 0.0}
    recall = {"drill-cache-hit": 0.3, "drill-index-btree": 0.95}
    strengths = {s.topic: s for s in topic_strengths(questions, averages, recall)}
    assert set(strengths) == {CACHING, INDEXES}  # the ungradable topic is not met
    assert strengths[CACHING].strength == pytest.approx((0.3 + 0.5) / 2)
    assert strengths[CACHING].met == 2
    assert strengths[INDEXES].strength == pytest.approx(0.95)
    assert strengths[INDEXES].score is None
    assert weakest(list(strengths.values())) == [CACHING]


def test_the_note_lists_the_topics() -> None:
    assert drill_note([]) == NO_HISTORY_NOTE
    assert drill_note(["A", "B"]) == "Weak-topic drill: A; B."


async def strengths_of(engine: Engine, now: datetime) -> list[TopicStrength]:
    async with engine.store.read() as tx:
        user = await tx.users.find(ALICE.platform, ALICE.external_id)
        assert user is not None
        summary = await tx.attempts.summary_by_question(user.id)
        cards = await tx.cards.cards_of(user.id)
    averages = {r.question_id: r.average_score for r in summary}
    recall = {q: srs.retrievability(card, now) for q, card, _ in cards}
    return topic_strengths(engine.catalog.questions, averages, recall)
