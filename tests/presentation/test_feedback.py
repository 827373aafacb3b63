"""The feedback view of an answer: its verdict code, the points covered with their
evidence, and the shared sentences every chat adapter shows."""

from __future__ import annotations

from datetime import date

import pytest

from bot.engine.srs import Rating
from bot.i18n import translator_for
from bot.presentation.feedback import (
    EVIDENCE_LIMIT,
    CoveredPoint,
    Verdict,
    feedback_view,
    key_point_lines,
    next_review,
    rated_text,
    verdict_text,
)
from bot.presentation.markup import PLAIN
from bot.presentation.wording import streak_events
from tests.presentation.views import VISIBLE, answered, choice_question, open_question, rated

EN = translator_for("en")

POINTS = ("Mean hides outliers", "Percentiles show the tail", "Tail hurts users")


@pytest.mark.parametrize(
    ("covered", "missed", "score", "verdict"),
    [
        ((0, 1, 2), (), 1.0, Verdict.ALL_COVERED),
        ((0, 1), (2,), 0.67, Verdict.MOSTLY_COVERED),
        ((0,), (1, 2), 0.5, Verdict.MOSTLY_COVERED),
        ((0,), (1, 2), 0.33, Verdict.FEW_COVERED),
        ((), (0, 1, 2), 0.0, Verdict.FEW_COVERED),
    ],
)
def test_a_free_text_answer_is_judged_by_the_key_points_it_covered(
    covered: tuple[int, ...], missed: tuple[int, ...], score: float, verdict: Verdict
) -> None:
    view = feedback_view(
        answered(open_question(*POINTS), score=score, covered=covered, missed=missed)
    )

    assert view.verdict is verdict
    assert view.key_points_total == 3
    assert [p.point for p in view.covered] == [POINTS[i] for i in covered]
    assert list(view.missed) == [POINTS[i] for i in missed]


def test_a_question_without_key_points_is_only_recorded() -> None:
    view = feedback_view(answered(open_question()))

    assert view.verdict is Verdict.RECORDED
    assert verdict_text(view, VISIBLE, EN) == (
        "📝 [b]Answer recorded.[/b] Compare it with the model answer below."
    )


@pytest.mark.parametrize(("score", "verdict"), [(1.0, Verdict.CORRECT), (0.0, Verdict.WRONG)])
def test_multiple_choice_is_right_or_wrong_and_names_the_right_option(
    score: float, verdict: Verdict
) -> None:
    view = feedback_view(answered(choice_question(), score=score))

    assert view.verdict is verdict
    assert view.correct_choice == "Column"


def test_the_verdict_sentence_bolds_the_count_through_the_adapters_markup() -> None:
    view = feedback_view(answered(open_question(*POINTS), score=0.33, covered=(1,), missed=(0, 2)))

    assert verdict_text(view, VISIBLE, EN) == "🤏 [b]1/3 key points[/b] covered."
    assert verdict_text(view, PLAIN, EN) == "🤏 1/3 key points covered."


def test_each_covered_point_keeps_its_evidence_clipped_and_escaped() -> None:
    long_quote = "x" * (EVIDENCE_LIMIT + 20)
    result = answered(
        open_question("Mean <hides> outliers", "Percentiles show the tail", "Tail hurts"),
        score=0.67,
        covered=(0, 2),
        missed=(1,),
        evidence=("the mean <lies>", long_quote),
    )
    view = feedback_view(result)

    assert view.covered == (
        CoveredPoint("Mean <hides> outliers", "the mean <lies>"),
        CoveredPoint("Tail hurts", long_quote),
    )
    lines = key_point_lines(view, VISIBLE)
    assert lines[0] == "✓ Mean &lt;hides> outliers [i](“the mean &lt;lies>”)[/i]"
    assert lines[1] == f"✓ Tail hurts [i](“{'x' * (EVIDENCE_LIMIT - 1)}…”)[/i]"
    assert lines[2] == "✗ Percentiles show the tail"


def test_a_covered_point_without_evidence_shows_no_quote() -> None:
    view = feedback_view(answered(open_question("Mean hides"), score=1.0, covered=(0,)))

    assert view.covered == (CoveredPoint("Mean hides", ""),)
    assert key_point_lines(view, VISIBLE) == ["✓ Mean hides"]


@pytest.mark.parametrize(
    ("days", "when"), [(0, "tomorrow"), (1, "tomorrow"), (2, "in 2 days"), (30, "in 30 days")]
)
def test_the_next_review_is_tomorrow_or_in_so_many_days(days: int, when: str) -> None:
    assert next_review(days, EN) == when
    assert (
        rated_text(rated(Rating.HARD, days), VISIBLE, EN)
        == f"Rated [b]Hard[/b]: next review {when}."
    )


def test_what_the_answer_did_to_the_streak_is_told_in_order() -> None:
    view = feedback_view(
        answered(
            open_question("Mean hides"),
            frozen_days=(date(2025, 3, 1), date(2025, 3, 2)),
            broken_streak=0,
            freeze_earned=True,
        )
    )

    assert streak_events(view, EN) == [
        "🧊 Streak freezes used for 2025-03-01, 2025-03-02: your streak lives on.",
        "🎁 You earned a streak freeze: it covers a day you miss.",
    ]
    assert streak_events(feedback_view(answered(open_question("x"), broken_streak=4)), EN) == [
        "💔 Your 4-day streak ended; a new one starts today."
    ]
