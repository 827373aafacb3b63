"""Help with an open question: a hint, or "I don't know".

Someone stuck on a question has two ways on instead of an empty reply:

- **A hint** shows the first required key point's idea (its `point` text), the one a good
  answer is most expected to open with. It is stored before it is shown (as a peek of
  that question, `peeks`), and it costs: the answer given after it scores at most
  `HINT_SCORE_CAP` of the full marks, so its points and its proposed recall rating are
  capped too. One hint per question: a second request shows the same one again, free.
- **"I don't know"** records an attempt with nothing covered: no points, the card rated
  Again (the question comes back soon), the model answer shown. It is an answer all the
  same, so the day counts for the streak.

Pure rules only: the engine's use cases (`bot.engine.quiz.Engine.hint` and `give_up`)
store and look things up, adapters word the results.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace

from bot.decks.model import Question
from bot.engine.grading import Grade
from bot.engine.points import POINTS_FOR_FULL_ANSWER
from bot.engine.srs import Rating

HINT_SCORE_CAP = 0.5
"""The most an answer given after a hint scores (so at most half the points and, from
`bot.engine.srs`'s bands, a proposed rating of Hard at best)."""

GIVE_UP_RATING = Rating.AGAIN
"""The recall rating "I don't know" records."""


@dataclass(frozen=True, slots=True)
class Hint:
    """The hint for one open question."""

    delivery_id: int
    question: Question
    point: str
    """The idea of the key point hinted at, as the deck writes it."""
    score_cap: float
    """The most the answer after this hint can score (0.0-1.0)."""
    points_cap: int
    """The most points (before any daily bonus) that answer can earn."""
    repeated: bool = False
    """True when this question's hint had been shown before (it cost nothing more)."""


def hint_point(question: Question) -> str | None:
    """The key point a hint shows: the first required one (else the first at all).

    None for a question without key points (nothing to hint at) and for multiple choice
    (a hint would give the choice away).
    """
    if question.is_multiple_choice or not question.key_points:
        return None
    required = [kp for kp in question.key_points if not kp.optional]
    return (required or list(question.key_points))[0].point


def hint_for(question: Question, delivery_id: int, *, repeated: bool = False) -> Hint | None:
    """The hint for `question` as asked in delivery `delivery_id`, or None (see
    `hint_point`)."""
    point = hint_point(question)
    if point is None:
        return None
    return Hint(
        delivery_id=delivery_id,
        question=question,
        point=point,
        score_cap=HINT_SCORE_CAP,
        points_cap=round(HINT_SCORE_CAP * POINTS_FOR_FULL_ANSWER),
        repeated=repeated,
    )


def after_hint(result: Grade) -> Grade:
    """The grade of an answer given after a hint: the same points covered, the score
    capped at `HINT_SCORE_CAP`."""
    if result.score <= HINT_SCORE_CAP:
        return result
    return replace(result, score=HINT_SCORE_CAP)


def gave_up(question: Question) -> Grade:
    """The grade "I don't know" records: nothing covered, every key point missed."""
    return Grade(0.0, (), tuple(range(len(question.key_points))), ())


def is_empty_answer(text: str) -> bool:
    """True when a reply holds no letter, digit or ideograph ("", "?", "...", "🤔"):
    not an answer to grade, a request for help."""
    return not any(unicodedata.category(char)[0] in "LN" for char in text)
