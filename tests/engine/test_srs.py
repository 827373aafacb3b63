"""FSRS scheduling, day-based: no minute-level learning steps."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.engine import srs
from bot.engine.srs import Rating

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("score", "rating"),
    [
        (1.0, Rating.GOOD),
        (0.7, Rating.GOOD),
        (0.5, Rating.HARD),
        (0.4, Rating.HARD),
        (0.0, Rating.AGAIN),
    ],
)
def test_a_typed_answers_score_proposes_a_rating(score: float, rating: Rating) -> None:
    assert srs.proposed_rating(score) == rating


def test_the_proposal_is_never_easy() -> None:
    assert srs.proposed_rating(1.0) != Rating.EASY


@pytest.mark.parametrize(("score", "rating"), [(1.0, Rating.GOOD), (0.0, Rating.AGAIN)])
def test_a_multiple_choice_answer_is_good_or_again(score: float, rating: Rating) -> None:
    assert srs.proposed_rating(score, multiple_choice=True) == rating


def test_the_first_good_review_schedules_days_ahead() -> None:
    reviewed = srs.review(None, Rating.GOOD, NOW)
    assert reviewed.due - NOW >= timedelta(days=1)
    assert (reviewed.due - NOW) % timedelta(days=1) == timedelta(0)


@pytest.mark.parametrize("rating", list(Rating))
def test_no_rating_schedules_a_review_within_the_same_day(rating: Rating) -> None:
    first = srs.review(None, rating, NOW)
    again = srs.review(first.card_json, Rating.AGAIN, first.due)
    assert first.due - NOW >= timedelta(days=1)
    assert again.due - first.due >= timedelta(days=1)


def test_better_recall_schedules_further_ahead() -> None:
    dues = [srs.review(None, rating, NOW).due for rating in Rating]
    assert dues == sorted(dues)
    assert dues[0] < dues[-1]


def test_a_card_survives_a_round_trip_through_json() -> None:
    first = srs.review(None, Rating.GOOD, NOW)
    assert json.loads(first.card_json)["due"] == first.due.isoformat()
    second = srs.review(first.card_json, Rating.GOOD, first.due)
    assert second.due - first.due > first.due - NOW


def test_scheduling_ignores_the_wall_clock() -> None:
    assert srs.review(None, Rating.GOOD, NOW) == srs.review(None, Rating.GOOD, NOW)


def test_recall_probability_falls_with_time() -> None:
    card = srs.review(None, Rating.GOOD, NOW).card_json
    soon = srs.retrievability(card, NOW + timedelta(days=1))
    later = srs.retrievability(card, NOW + timedelta(days=30))
    assert 0.0 < later < soon <= 1.0


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        srs.review(None, Rating.GOOD, datetime(2025, 3, 3, 9, 0))
