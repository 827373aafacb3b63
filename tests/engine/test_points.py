"""Points per attempt: up to 10 for coverage, plus 5 for the daily question on its day."""

from __future__ import annotations

import pytest

from bot.engine.points import DAILY_BONUS, POINTS_FOR_FULL_ANSWER, points_for


@pytest.mark.parametrize(
    ("score", "points"), [(0.0, 0), (0.25, 2), (0.5, 5), (2 / 3, 7), (1.0, 10)]
)
def test_points_follow_the_score(score: float, points: int) -> None:
    assert points_for(score, daily_on_its_day=False) == points


def test_a_full_answer_earns_ten_points() -> None:
    assert POINTS_FOR_FULL_ANSWER == 10
    assert points_for(1.0, daily_on_its_day=False) == 10


def test_the_daily_question_on_its_day_earns_a_bonus() -> None:
    assert DAILY_BONUS == 5
    assert points_for(0.5, daily_on_its_day=True) == 5 + DAILY_BONUS


def test_an_answer_scoring_nothing_earns_no_bonus() -> None:
    assert points_for(0.0, daily_on_its_day=True) == 0


@pytest.mark.parametrize(("score", "points"), [(-0.5, 0), (1.5, 10)])
def test_scores_outside_zero_to_one_are_clamped(score: float, points: int) -> None:
    assert points_for(score, daily_on_its_day=False) == points
