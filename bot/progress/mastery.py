"""Mastery per topic from a player's per-question averages (pure).

Follows the rules of `Engine.stats`: a question with nothing to grade against (no key
points, not multiple choice) counts as seen but stays out of the averages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.decks.model import Question
from bot.engine.results import TopicMastery


def gradable(question: Question) -> bool:
    return bool(question.key_points) or question.is_multiple_choice


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
