"""Mastery per topic from a player's per-question answers (pure): the one rule for the
text /stats (`bot.engine.progress`), the /stats image (`bot.progress.chart_data`) and
the weak-topic drill (`bot.engine.weak`).

A question with nothing to grade against (no key points, not multiple choice) counts as
seen but stays out of the averages: a reply to it scores 0 without meaning it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.decks.model import Question
from bot.engine.results import TopicMastery


def gradable(question: Question) -> bool:
    return bool(question.key_points) or question.is_multiple_choice


@dataclass(frozen=True, slots=True)
class AnswerSummary:
    """A player's answers over a set of questions, graded ones apart."""

    answered: int
    questions_seen: int
    average_score: float
    """Over graded answers, 0..1 (0 with none)."""


def summarize(
    summary: Mapping[str, tuple[int, float]], by_id: Mapping[str, Question]
) -> AnswerSummary:
    """`summary` maps question id to (answers, average score). A question missing from
    `by_id` (a deck removed since) still counts as graded."""
    graded = [
        counts
        for question_id, counts in summary.items()
        if (question := by_id.get(question_id)) is None or gradable(question)
    ]
    graded_answers = sum(n for n, _ in graded)
    return AnswerSummary(
        answered=sum(n for n, _ in summary.values()),
        questions_seen=len(summary),
        average_score=(
            sum(n * avg for n, avg in graded) / graded_answers if graded_answers else 0.0
        ),
    )


def topic_mastery(
    questions: Sequence[Question], averages: Mapping[str, float]
) -> tuple[TopicMastery, ...]:
    """Each topic (in deck order): questions seen of all, and the average of the
    per-question average scores of its graded questions (0 when none)."""
    order: dict[str, list[Question]] = {}
    for question in questions:
        order.setdefault(question.topic, []).append(question)
    result = []
    for topic, in_topic in order.items():
        scores = [averages[q.id] for q in in_topic if q.id in averages and gradable(q)]
        seen = sum(1 for q in in_topic if q.id in averages)
        average = sum(scores) / len(scores) if scores else 0.0
        result.append(TopicMastery(topic, seen, len(in_topic), average))
    return tuple(result)


def weakest_graded(
    topics: Sequence[TopicMastery],
    questions: Sequence[Question],
    averages: Mapping[str, float],
    limit: int,
) -> tuple[str, ...]:
    """Up to `limit` topics with a graded answer, lowest average first (ties by name)."""
    graded_topics = {q.topic for q in questions if q.id in averages and gradable(q)}
    ranked = sorted(
        (t for t in topics if t.topic in graded_topics), key=lambda t: (t.average_score, t.topic)
    )
    return tuple(t.topic for t in ranked[:limit])
