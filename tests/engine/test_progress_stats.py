"""A player's stats: answered, average score, mastery per topic, weakest topics, streaks."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.decks.catalog import Catalog
from bot.engine.quiz import Engine
from bot.store import Store
from tests.helpers import ALICE, ALICE_DM, FIXTURES, ask_and_send, practise, reply

LATENCY = "DMLS ch1.2 latency"
FORMATS = "DMLS ch3.1 data formats"
WHEN = "DMLS ch1.1 何时使用机器学习"


async def answer_next(engine: Engine, text: str, now: datetime) -> None:
    await ask_and_send(engine, ALICE_DM, ALICE, now)
    await reply(engine, ALICE_DM, ALICE, text, now)


async def test_a_newcomer_has_empty_stats(engine: Engine, now: datetime) -> None:
    stats = await engine.progress.stats(ALICE, now)
    assert (stats.answered, stats.questions_seen, stats.average_score) == (0, 0, 0.0)
    assert stats.questions_total == 4
    assert stats.weakest == ()
    assert (stats.streak.current, stats.streak.longest) == (0, 0)


async def test_stats_count_answers_and_average_their_scores(engine: Engine, now: datetime) -> None:
    await answer_next(engine, "outlier and p95", now)  # latency: 1.0
    await answer_next(engine, "throughput", now)  # batching: 0.5
    await answer_next(engine, "1", now)  # parquet: wrong, 0.0
    stats = await engine.progress.stats(ALICE, now)
    assert (stats.answered, stats.questions_seen) == (3, 3)
    assert stats.average_score == pytest.approx(0.5)


async def test_mastery_is_kept_per_topic(engine: Engine, now: datetime) -> None:
    await answer_next(engine, "outlier and p95", now)  # latency: 1.0
    await answer_next(engine, "throughput", now)  # batching: 0.5
    await answer_next(engine, "2", now)  # parquet: 1.0
    topics = {t.topic: t for t in (await engine.progress.stats(ALICE, now)).topics}
    assert (topics[LATENCY].seen, topics[LATENCY].total) == (2, 2)
    assert topics[LATENCY].average_score == pytest.approx(0.75)
    assert (topics[FORMATS].seen, topics[FORMATS].average_score) == (1, 1.0)
    assert (topics[WHEN].seen, topics[WHEN].total, topics[WHEN].average_score) == (0, 1, 0.0)


async def test_the_weakest_topics_come_first_and_only_seen_ones(
    engine: Engine, now: datetime
) -> None:
    await answer_next(engine, "outlier and p95", now)  # latency: 1.0
    await answer_next(engine, "throughput", now)  # batching: 0.5 -> latency topic 0.75
    await answer_next(engine, "1", now)  # parquet: 0.0
    stats = await engine.progress.stats(ALICE, now)
    assert stats.weakest == (FORMATS, LATENCY)


async def test_stats_report_the_streaks(engine: Engine, now: datetime) -> None:
    for n in (0, 1, 2, 4):
        await practise(engine, ALICE, now + timedelta(days=n))
    stats = await engine.progress.stats(ALICE, now + timedelta(days=4))
    assert (stats.streak.current, stats.streak.longest, stats.streak.answered_today) == (
        1,
        3,
        True,
    )


async def test_stats_count_reviews_due(engine: Engine, now: datetime) -> None:
    await practise(engine, ALICE, now)  # Good: due in two days
    assert (await engine.progress.stats(ALICE, now)).due_now == 0
    assert (await engine.progress.stats(ALICE, now + timedelta(days=2))).due_now == 1


async def test_an_answer_with_nothing_to_grade_stays_out_of_the_averages(
    store: Store, catalog: Catalog, now: datetime
) -> None:
    engine = Engine(store, Catalog(catalog.decks + Catalog.load([FIXTURES / "open.yaml"]).decks))
    await answer_next(engine, "outlier and p95", now)  # latency: 1.0
    await engine.asking.ask(ALICE_DM, ALICE, now, is_group=False, filter_text="open")
    await reply(engine, ALICE_DM, ALICE, "I built a quiz bot", now)
    stats = await engine.progress.stats(ALICE, now)
    assert (stats.answered, stats.questions_seen) == (2, 2)
    assert stats.average_score == 1.0
    assert "Behavioural" not in stats.weakest
    topics = {t.topic: t for t in stats.topics}
    assert (topics["Behavioural"].seen, topics["Behavioural"].total) == (1, 1)
