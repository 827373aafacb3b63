"""Who answered a revealed question: ranked once, medals for the top three who scored."""

from __future__ import annotations

from bot.engine.results import RevealEntry
from bot.i18n import translator_for
from bot.presentation.reveal import REVEAL_LINES, RevealLine, reveal_score_lines, reveal_scores
from tests.presentation.views import VISIBLE

EN = translator_for("en")


def test_answers_rank_by_points_then_score_then_name() -> None:
    entries = (
        RevealEntry("Cy", 0.5, 5),
        RevealEntry("Al", 0.9, 10),
        RevealEntry("Bo", 1.0, 10),
        RevealEntry("Ab", 0.5, 5),
    )

    scores = reveal_scores(entries)

    assert [line.display_name for line in scores.lines] == ["Bo", "Al", "Ab", "Cy"]
    assert [line.badge for line in scores.lines] == ["🥇", "🥈", "🥉", "•"]
    assert scores.more == 0


def test_nobody_who_scored_nothing_gets_a_medal() -> None:
    scores = reveal_scores((RevealEntry("Al", 0.2, 0), RevealEntry("Bo", 0.0, 0)))

    assert [line.badge for line in scores.lines] == ["•", "•"]


def test_beyond_the_shown_lines_the_rest_are_counted_and_names_are_escaped() -> None:
    entries = tuple(RevealEntry(f"P<{n:02}>", 0.5, 1) for n in range(REVEAL_LINES + 3))

    scores = reveal_scores(entries)
    lines = reveal_score_lines(scores, VISIBLE, EN)

    assert len(scores.lines) == REVEAL_LINES and scores.more == 3
    assert scores.lines[0] == RevealLine("🥇", "P<00>", 50, 1)
    assert lines[0] == "🥇 P&lt;00>: 50% · +1 pt"
    assert lines[-1] == "…and 3 more."


def test_a_question_nobody_answered_says_so() -> None:
    assert reveal_score_lines(reveal_scores(()), VISIBLE, EN) == ["Nobody answered this one."]
