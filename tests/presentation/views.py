"""Engine results built by hand for the presentation tests: a question, a grade, a
streak, and the markup that makes markup visible in assertions."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.decks.model import KeyPoint, Question
from bot.engine.grading import Grade
from bot.engine.results import AnswerResult, RatingResult, StreakInfo
from bot.engine.srs import Rating
from bot.presentation.markup import Markup

VISIBLE = Markup(
    escape=lambda t: t.replace("<", "&lt;"),
    bold=lambda t: f"[b]{t}[/b]",
    code=lambda t: f"[c]{t}[/c]",
    italic=lambda t: f"[i]{t}[/i]",
)
"""Markup whose every effect shows in the text."""

STREAK = StreakInfo(current=2, longest=5, freezes=0, answered_today=True, at_risk=False)


def open_question(*points: str) -> Question:
    return Question(
        id="q-open",
        topic="Serving",
        question="Why percentiles?",
        answer="Because the mean hides the tail.",
        key_points=[KeyPoint(point=p, match=[p.split()[0]]) for p in points],
    )


def choice_question() -> Question:
    return Question(
        id="q-choice",
        topic="Storage",
        question="Row or column?",
        answer="Column.",
        choices=["Row", "Column"],
        correct=1,
        explanation="Analytics read few columns.",
    )


def answered(
    question: Question,
    *,
    score: float = 0.0,
    covered: tuple[int, ...] = (),
    missed: tuple[int, ...] = (),
    evidence: tuple[str, ...] = (),
    **changes: object,
) -> AnswerResult:
    fields: dict[str, object] = {
        "attempt_id": 1,
        "delivery_id": 1,
        "question": question,
        "grade": Grade(score, covered, missed, (), evidence),
        "points": 10,
        "proposed_rating": Rating.GOOD,
        "streak": STREAK,
        "is_group": False,
    }
    fields.update(changes)
    return AnswerResult(**fields)  # type: ignore[arg-type]


def rated(rating: Rating, interval_days: int) -> RatingResult:
    return RatingResult(
        attempt_id=1,
        question=open_question("The mean hides outliers"),
        rating=rating,
        proposed_rating=Rating.GOOD,
        due=datetime(2025, 3, 4, tzinfo=UTC),
        interval_days=interval_days,
    )
