"""Rating recall: the score proposes a rating at once; the player may override it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.decks.catalog import Catalog
from bot.engine import srs
from bot.engine.quiz import Engine
from bot.engine.srs import Rating
from bot.errors import UnknownAttempt
from bot.store import Store
from tests.helpers import ALICE, ALICE_DM, BOB, FIXTURES, ask_and_send, practise, reply


async def card_due(store: Store, question_id: str) -> datetime:
    async with store.read() as tx:
        user = await tx.users.find(ALICE.platform, ALICE.external_id)
        assert user is not None
        cards = {q: due for q, _, due in await tx.cards.cards_of(user.id)}
    return datetime.fromisoformat(cards[question_id])


async def test_the_proposed_rating_is_applied_at_once(
    engine: Engine, store: Store, now: datetime
) -> None:
    result = await practise(engine, ALICE, now)
    assert result.proposed_rating == Rating.GOOD
    assert await card_due(store, result.question.id) == srs.review(None, Rating.GOOD, now).due


@pytest.mark.parametrize(
    ("answer", "proposed"),
    [("outlier and p95", Rating.GOOD), ("p95", Rating.HARD), ("no idea", Rating.AGAIN)],
)
async def test_the_score_proposes_the_rating(
    engine: Engine, now: datetime, answer: str, proposed: Rating
) -> None:
    await ask_and_send(engine, ALICE_DM, ALICE, now)
    result = await reply(engine, ALICE_DM, ALICE, answer, now)
    assert result.proposed_rating == proposed


async def test_an_override_recomputes_from_the_card_before_the_answer(
    engine: Engine, store: Store, now: datetime
) -> None:
    result = await practise(engine, ALICE, now)
    later = now + timedelta(minutes=1)
    easy = await engine.rating.rate(result.attempt_id, ALICE, Rating.EASY, later)
    again = await engine.rating.rate(result.attempt_id, ALICE, Rating.AGAIN, later)
    assert easy.due == srs.review(None, Rating.EASY, now).due
    assert again.due == srs.review(None, Rating.AGAIN, now).due  # not Again on top of Easy
    assert await card_due(store, result.question.id) == again.due
    assert (again.rating, again.proposed_rating) == (Rating.AGAIN, Rating.GOOD)
    assert again.interval_days == 1


async def test_the_next_review_builds_on_the_overridden_card(
    engine: Engine, store: Store, now: datetime
) -> None:
    first = await practise(engine, ALICE, now)
    easy = await engine.rating.rate(first.attempt_id, ALICE, Rating.EASY, now)
    second = await practise(engine, ALICE, easy.due)
    assert second.question.id == first.question.id
    fresh = srs.review(None, Rating.EASY, now)
    expected = srs.review(fresh.card_json, Rating.GOOD, easy.due)
    assert await card_due(store, first.question.id) == expected.due


async def test_rating_an_older_answer_keeps_the_newer_card(
    engine: Engine, store: Store, now: datetime
) -> None:
    first = await practise(engine, ALICE, now)
    second = await practise(engine, ALICE, now + timedelta(days=2))
    assert second.question.id == first.question.id
    due_before = await card_due(store, first.question.id)
    rated = await engine.rating.rate(first.attempt_id, ALICE, Rating.AGAIN, now + timedelta(days=2))
    assert rated.rating == Rating.AGAIN
    assert await card_due(store, first.question.id) == due_before


async def test_only_the_player_who_answered_may_rate(engine: Engine, now: datetime) -> None:
    result = await practise(engine, ALICE, now)
    await practise(engine, BOB, now)
    with pytest.raises(UnknownAttempt):
        await engine.rating.rate(result.attempt_id, BOB, Rating.EASY, now)


async def test_an_unknown_attempt_cannot_be_rated(engine: Engine, now: datetime) -> None:
    await practise(engine, ALICE, now)
    with pytest.raises(UnknownAttempt):
        await engine.rating.rate(12345, ALICE, Rating.EASY, now)


async def test_an_answer_with_nothing_to_grade_leaves_no_card(
    store: Store, catalog: Catalog, now: datetime
) -> None:
    engine = Engine(store, Catalog(catalog.decks + Catalog.load([FIXTURES / "open.yaml"]).decks))
    await engine.asking.ask(ALICE_DM, ALICE, now, is_group=False, filter_text="open")
    result = await reply(engine, ALICE_DM, ALICE, "I built a quiz bot", now)
    assert not result.grade.gradable
    with pytest.raises(UnknownAttempt):
        await engine.rating.rate(result.attempt_id, ALICE, Rating.GOOD, now)
    async with store.read() as tx:
        user = await tx.users.find(ALICE.platform, ALICE.external_id)
        assert user is not None
        assert await tx.cards.cards_of(user.id) == []
