"""The feedback on one answer, as a neutral view, and its sentences.

`feedback_view` decides once what every adapter shows about an answer: the verdict (a
code, not words), each key point covered with the words of the answer that covered it,
those missed, the score and points, the streak and what the answer did to it. The
`*_text`/`*_lines` functions word the parts the chat adapters share; each adapter lays
them out (Telegram one HTML message, Discord an embed, the console plain lines).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.decks.model import Question
from bot.engine.results import AnswerResult, RatingResult, StreakInfo
from bot.engine.srs import Rating
from bot.i18n import Translator
from bot.presentation.markup import Markup, clip

EVIDENCE_LIMIT = 80
"""The longest quote of an answer shown as a covered point's evidence."""


class Verdict(StrEnum):
    CORRECT = "correct"
    """Multiple choice: the right option."""
    WRONG = "wrong"
    """Multiple choice: another option."""
    RECORDED = "recorded"
    """Nothing to grade against (no key points): the answer is only recorded."""
    ALL_COVERED = "all_covered"
    """Every key point covered."""
    MOSTLY_COVERED = "mostly_covered"
    """Some missed, a score of at least a half."""
    FEW_COVERED = "few_covered"
    """Under half."""


@dataclass(frozen=True, slots=True)
class CoveredPoint:
    point: str
    evidence: str
    """The words of the answer that covered it ("" when none were kept)."""


@dataclass(frozen=True, slots=True)
class Feedback:
    question: Question
    verdict: Verdict
    covered: tuple[CoveredPoint, ...]
    missed: tuple[str, ...]
    """The key points not covered, in deck order."""
    score: float
    points: int
    streak: StreakInfo
    frozen_days: tuple[date, ...]
    freeze_earned: bool
    broken_streak: int
    proposed_rating: Rating
    advice: str
    """One sentence of advice from the optional judge ("" without one)."""

    @property
    def key_points_total(self) -> int:
        return len(self.covered) + len(self.missed)

    @property
    def correct_choice(self) -> str | None:
        """The right option's text, for multiple choice."""
        q = self.question
        if q.choices is None or q.correct is None:
            return None
        return q.choices[q.correct]


def feedback_view(result: AnswerResult) -> Feedback:
    grade, points = result.grade, result.question.key_points
    covered = tuple(
        CoveredPoint(points[i].point, grade.evidence[n] if n < len(grade.evidence) else "")
        for n, i in enumerate(grade.covered)
    )
    return Feedback(
        question=result.question,
        verdict=_verdict(result),
        covered=covered,
        missed=tuple(points[i].point for i in grade.missed),
        score=grade.score,
        points=result.points,
        streak=result.streak,
        frozen_days=result.frozen_days,
        freeze_earned=result.freeze_earned,
        broken_streak=result.broken_streak,
        proposed_rating=result.proposed_rating,
        advice=result.advice,
    )


def _verdict(result: AnswerResult) -> Verdict:
    grade = result.grade
    if result.question.is_multiple_choice:
        return Verdict.CORRECT if grade.score >= 1.0 else Verdict.WRONG
    if not grade.gradable:
        return Verdict.RECORDED
    if not grade.missed:
        return Verdict.ALL_COVERED
    return Verdict.MOSTLY_COVERED if grade.score >= 0.5 else Verdict.FEW_COVERED


_MARKS = {
    Verdict.ALL_COVERED: "🎯",
    Verdict.MOSTLY_COVERED: "👍",
    Verdict.FEW_COVERED: "🤏",
}


def verdict_text(view: Feedback, m: Markup, t: Translator) -> str:
    """The verdict in one line ("🎯 2/2 key points covered.")."""
    if view.verdict is Verdict.CORRECT:
        correct = t._("Correct!")
        return f"✅ {m.bold(correct)}"
    if view.verdict is Verdict.WRONG:
        not_quite = t._("Not quite.")
        return f"❌ {m.bold(not_quite)}"
    if view.verdict is Verdict.RECORDED:
        compare = t._("Compare it with the model answer below.")
        recorded = t._("Answer recorded.")
        return f"📝 {m.bold(recorded)} {compare}"
    covered = t.n_(
        "{covered}/{count} key point",
        "{covered}/{count} key points",
        view.key_points_total,
        covered=len(view.covered),
    )
    return f"{_MARKS[view.verdict]} " + t._("{points} covered.", points=m.bold(covered))


def key_point_lines(view: Feedback, m: Markup) -> list[str]:
    """✓ each point covered (with a short quote of what covered it), then ✗ each missed."""
    lines = []
    for covered in view.covered:
        quote = covered.evidence
        said = f" {m.italic(f'(“{m.escape(clip(quote, EVIDENCE_LIMIT))}”)')}" if quote else ""
        lines.append(f"✓ {m.escape(covered.point)}{said}")
    lines += [f"✗ {m.escape(point)}" for point in view.missed]
    return lines


def next_review(days: int, t: Translator) -> str:
    if days <= 1:
        return t._("tomorrow")
    return t.n_("in {count} day", "in {count} days", days)


def rated_text(result: RatingResult, m: Markup, t: Translator) -> str:
    """The rating in force and when the question comes back ("Rated Good: next review
    in 3 days.")."""
    rating = m.bold(rating_label(result.rating, t))
    days = result.interval_days
    if days <= 1:
        return t._("Rated {rating}: next review tomorrow.", rating=rating)
    return t.n_(
        "Rated {rating}: next review in {count} day.",
        "Rated {rating}: next review in {count} days.",
        days,
        rating=rating,
    )


def rating_label(rating: Rating, t: Translator) -> str:
    """A recall rating's name, as its buttons, prompts and feedback say it."""
    labels = {
        Rating.AGAIN: t._("Again"),
        Rating.HARD: t._("Hard"),
        Rating.GOOD: t._("Good"),
        Rating.EASY: t._("Easy"),
    }
    return labels[rating]
